-- Operator tokens expire (issue 11): `waypost user token` gives each new token an expiry, 90 days
-- unless --expires-days says otherwise, and a token is refused from that instant on
-- (org.waypost.governance.Operators). Times are epoch milliseconds.
--
-- Tokens issued before this migration had no expiry. They get one too: 90 days from the moment
-- the migration runs. Keeping them valid forever (a NULL expiry) would leave exactly the tokens
-- nobody has looked at for longest, perhaps copied into scripts and tickets, as the only ones
-- that never end; expiring them at once would break every running integration on upgrade. Ninety
-- days from now is what a token issued today gets, so every token ends, and there is a full
-- token lifetime to issue replacements (docs/governance.md says so).
--
-- NOT NULL with DEFAULT 0 (SQLite cannot add a NOT NULL column without a default): a row
-- written without an expiry is expired, so a missing value fails closed.
ALTER TABLE operator_tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;

UPDATE operator_tokens
  SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 90 * 86400000;
