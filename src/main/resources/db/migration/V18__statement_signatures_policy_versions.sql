-- Issue 15, the transparency report and the privacy policy.
--
-- Each confirmation of a transparency statement is signed with the audit signing key (Ed25519,
-- Tink; the public key is published with the report's latest checkpoint). signature: base64 of
-- the signature, with Tink's 5-byte key-id prefix, over the JSON array
-- ["waypost-transparency-statement", id, "text", "confirmed-on date"]
-- (org.waypost.governance.Transparency#statementMessage). Null until first confirmed.
ALTER TABLE transparency_statements ADD COLUMN signature TEXT;

-- The privacy policy's change history: a row each time a server starts with a configuration the
-- policy is generated from that differs from the newest row's, dated then
-- (org.waypost.visitor.PolicyVersions). hash: SHA-256 (hex) of that configuration as canonical
-- JSON; settings: that JSON, so the history can say what changed.
CREATE TABLE policy_versions (
  id ${id},
  hash VARCHAR(64) NOT NULL,
  effective_at BIGINT NOT NULL,
  settings TEXT NOT NULL
);

-- The public transparency report counts incident.reveal entries per half-year at every view; the
-- console's audit page filters by action too. Without this, each was a scan of the whole log.
CREATE INDEX audit_log_by_action ON audit_log (action, time);
