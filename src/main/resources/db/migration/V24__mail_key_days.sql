-- Confirmed subscriptions end with their piece (issue 13): two days after it is delivered or
-- returned to sender, or 30 days after its last scan, whichever comes first (both configurable
-- under notifications). The address is no longer sealed under a keyset kept in the database
-- (sealing_keys, which every backup keeps) but under the mail key of the UTC day the subscription
-- expires (org.waypost.notify.AddressSeal): a file in privacy.keyDir, destroyed when that day is
-- over, so that an old backup of these rows opens nothing.
--
-- expires_at: when the row is deleted (24 h after the request until it is confirmed).
-- sealed now reads "<day>:<base64>", the day naming the mail key that opens it; a scan that moves
-- expires_at to another day re-seals the address under that day's key in the scan's transaction.
-- last_scan_at, ended_at: when the newest scan, and the newest delivered or returned-to-sender
-- scan, of its number were received while it was confirmed; expires_at follows from them.
--
-- Rows sealed the old way cannot be re-sealed by SQL (it has no keys), so they are deleted with
-- their queued mail: email had reached main, not a release, when this changed.
DELETE FROM mail_outbox;
DELETE FROM mail_subscriptions;

ALTER TABLE mail_subscriptions ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mail_subscriptions ADD COLUMN last_scan_at BIGINT;
ALTER TABLE mail_subscriptions ADD COLUMN ended_at BIGINT;

CREATE INDEX mail_subscriptions_by_expiry ON mail_subscriptions (expires_at);
