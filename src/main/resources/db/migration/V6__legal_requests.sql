-- Legal requests (guarantee 5) and the operator's transparency statements
-- (org.waypost.governance.LegalRequests, org.waypost.governance.Transparency).
-- ${id} is filled in per dialect (see org.waypost.db.Dialect); times are epoch milliseconds;
-- days are ISO dates (2026-11-20), UTC, like the security log's.

-- One row per request, from filing to its outcome. Operators are named, not referenced by id:
-- names are unique and never reused (operators are disabled, not deleted), as in the audit log.
--
-- tracking_numbers: the normalized numbers named in the legal document, comma-separated. They
-- are kept in clear on purpose, as the request's own record of what was asked (the scope an
-- approver agreed to and a court may ask about); they are not visitor data, and nothing about
-- who looked them up is ever stored here.
--
-- A disclosure (addresses, times, browsers) is returned once, in the answer to the execution,
-- and never stored: not here, not in the audit log. Only its counts are kept.
-- records_disclosed: security-log records returned; days_destroyed: days of the range for
-- which only a statement of destruction could be given.
CREATE TABLE legal_requests (
  id ${id},
  authority VARCHAR(200) NOT NULL,
  legal_process VARCHAR(16) NOT NULL
    CHECK (legal_process IN ('SUBPOENA', 'COURT_ORDER', 'SEARCH_WARRANT', 'EMERGENCY', 'OTHER')),
  case_reference VARCHAR(100) NOT NULL,
  tracking_numbers TEXT NOT NULL,
  date_from VARCHAR(10) NOT NULL,
  date_to VARCHAR(10) NOT NULL,
  status VARCHAR(10) NOT NULL
    CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'DISCLOSED', 'NO_DATA')),
  emergency BOOLEAN NOT NULL,
  filed_by VARCHAR(64) NOT NULL,
  filed_at BIGINT NOT NULL,
  decided_by VARCHAR(64),
  decided_at BIGINT,
  decision_reason TEXT,
  executed_by VARCHAR(64),
  executed_at BIGINT,
  records_disclosed INTEGER,
  days_destroyed INTEGER,
  CHECK (date_from <= date_to),
  CHECK (decided_by IS NULL OR decided_by <> filed_by)
);

CREATE INDEX legal_requests_by_filed_at ON legal_requests (filed_at);

-- Statements the operator keeps making in its transparency report (warrant-canary style), each
-- with when an admin last confirmed it still holds. A statement that stops being confirmed says
-- something too.
CREATE TABLE transparency_statements (
  id ${id},
  text VARCHAR(300) NOT NULL,
  position INTEGER NOT NULL,
  confirmed_at BIGINT,
  confirmed_by VARCHAR(64)
);

INSERT INTO transparency_statements (text, position) VALUES
  ('We have never installed equipment for bulk access to visitor data', 1),
  ('We have never received a national security letter', 2),
  ('We have never been ordered to keep visitor data longer than our retention period', 3);
