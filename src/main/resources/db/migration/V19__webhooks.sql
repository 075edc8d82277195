-- Shippers' webhooks (issue 13).

-- Keysets that seal secrets kept in the database (a webhook's signing secret, which must be read
-- back to sign), one per purpose, each encrypted under the master key: a database backup alone
-- opens none of them. Nodes sharing the database and the master key share them.
CREATE TABLE sealing_keys (
  purpose VARCHAR(64) PRIMARY KEY,
  keyset TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- An account's endpoints. events: '' for every scan, else a comma-separated list of scan types.
-- secret: the signing secret, sealed (org.waypost.notify.SecretSeal). failing_since: when the
-- first failed delivery of the current run of failures happened; after 3 days the endpoint is
-- disabled (disabled_at) and the audit log says so.
CREATE TABLE webhook_endpoints (
  id ${id},
  shipper_id BIGINT NOT NULL REFERENCES shippers (id),
  url VARCHAR(2048) NOT NULL,
  events VARCHAR(512) NOT NULL,
  secret TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  failing_since BIGINT,
  disabled_at BIGINT
);

CREATE INDEX webhook_endpoints_by_shipper ON webhook_endpoints (shipper_id);

-- The outbox and delivery log in one: a row is written in the transaction that stores the scan
-- (or by a test ping), claimed by a dispatcher when next_attempt_at is due (the claim pushes it a
-- lease ahead, so a node that dies mid-send leaves it to be claimed again), and kept with its
-- outcome for the delivery log. public_id is the delivery id receivers de-duplicate on. body is
-- fixed at the first attempt, so that every attempt and a redelivery send the same bytes.
CREATE TABLE webhook_deliveries (
  id ${id},
  public_id VARCHAR(40) NOT NULL UNIQUE,
  endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  type VARCHAR(32) NOT NULL,
  tracking_number VARCHAR(34),
  event TEXT,
  body TEXT,
  state VARCHAR(16) NOT NULL CHECK (state IN ('PENDING', 'DELIVERED')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  last_attempt_at BIGINT,
  last_status INTEGER,
  last_error VARCHAR(200),
  delivered_at BIGINT
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_by_age ON webhook_deliveries (created_at);
