-- A legal request's disclosure is exported once, as CSV, in the answer to its execution, and
-- never stored (org.waypost.governance.LegalRequests). Its SHA-256 (lowercase hex) is kept here
-- and in the legal.execute audit entry, so that a copy handed to an authority can later be shown
-- to be exactly what Waypost disclosed, and nothing else can pass for it.
ALTER TABLE legal_requests ADD COLUMN disclosure_sha256 VARCHAR(64);
