-- Shipper isolation (issue 11), the part both databases share; scan_events' own changes follow in
-- V13_1 (db/dialect/*), since SQLite has to rebuild that table to change its unique key.

-- A network key belongs to the operator's own scanning network and may post scans for any piece;
-- every other key writes only its own account's pieces. Existing keys are shippers' keys.
ALTER TABLE api_keys ADD COLUMN network BOOLEAN NOT NULL DEFAULT FALSE;

-- A registration's Idempotency-Key, kept for 24 hours per account (retention deletes it after),
-- with a SHA-256 of the request body and the response it got. It is written in the same
-- transaction as the shipment, so a retry finds either both or neither.
CREATE TABLE idempotency_keys (
  shipper_id BIGINT NOT NULL REFERENCES shippers (id),
  idempotency_key VARCHAR(255) NOT NULL,
  request_hash ${blob} NOT NULL,
  status INTEGER NOT NULL,
  tracking_number VARCHAR(34) NOT NULL,
  response ${blob} NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (shipper_id, idempotency_key)
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- GET /api/v1/shipments?reference=...: an account's pieces by its own reference.
CREATE INDEX shipments_by_reference ON shipments (shipper_id, reference);

-- delivered_at now means when the newest delivery scan was received, not the time the scan
-- claims: retention counts from it, so a back-dated delivery scan cannot get a piece deleted early.
UPDATE shipments SET delivered_at = (
  SELECT MAX(received_at) FROM scan_events
  WHERE scan_events.shipment_id = shipments.id AND scan_events.type = 'DELIVERED')
WHERE delivered_at IS NOT NULL;
