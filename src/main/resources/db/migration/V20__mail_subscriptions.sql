-- Recipients' email (issue 13).

-- One request for updates on one number. sealed: the address and the row's two tokens, sealed
-- together (org.waypost.notify.SecretSeal, purpose "mail-address", bound to unsubscribe_hash):
-- the address is never stored in clear. The tokens are looked up by their SHA-256 only.
-- confirmed_at is null until the confirmation link is followed; nothing but the confirmation
-- mail is sent before.
CREATE TABLE mail_subscriptions (
  id ${id},
  tracking_number VARCHAR(34) NOT NULL,
  events VARCHAR(8) NOT NULL CHECK (events IN ('ALL', 'KEY')),
  sealed TEXT NOT NULL,
  confirm_hash VARCHAR(64) NOT NULL UNIQUE,
  unsubscribe_hash VARCHAR(64) NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  confirmed_at BIGINT
);

CREATE INDEX mail_subscriptions_by_number ON mail_subscriptions (tracking_number);

-- When a confirmation mail was queued to an address, keyed by an HMAC of the address (never the
-- address): at most 3 an hour to one address, so nobody can mail-bomb it through us.
CREATE TABLE mail_confirmations (
  address_mac VARCHAR(100) NOT NULL,
  queued_at BIGINT NOT NULL
);

CREATE INDEX mail_confirmations_by_address ON mail_confirmations (address_mac, queued_at);

-- The mail outbox: the confirmation mail (scan_key 'confirm'), and one row per subscription and
-- scan written in the scan's transaction (the unique key makes a scan mail once even when the
-- hook runs again). A row is claimed (its next attempt pushed a lease ahead), sent, then deleted;
-- a failed send is retried with backoff.
CREATE TABLE mail_outbox (
  id ${id},
  subscription_id BIGINT NOT NULL REFERENCES mail_subscriptions (id) ON DELETE CASCADE,
  scan_key VARCHAR(200) NOT NULL,
  event TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (subscription_id, scan_key)
);

CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at);
