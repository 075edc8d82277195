-- Scans no longer carry a foreign key to their piece (see the PostgreSQL version of this migration
-- for why, and docs/operations.md, "Scans and their pieces", for what keeps them consistent).
-- SQLite cannot drop a constraint, so the table is rebuilt; its rows and sequence carry over.
CREATE TABLE scan_events_new (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id VARCHAR(128) NOT NULL UNIQUE,
  shipment_id BIGINT NOT NULL,
  tracking_number VARCHAR(34) NOT NULL,
  type VARCHAR(24) NOT NULL,
  event_time BIGINT NOT NULL,
  event_time_offset INTEGER NOT NULL,
  description VARCHAR(200) NOT NULL,
  city VARCHAR(64),
  region VARCHAR(32),
  postal_code VARCHAR(16),
  country CHAR(2),
  received_at BIGINT NOT NULL
);

INSERT INTO scan_events_new (seq, event_id, shipment_id, tracking_number, type, event_time,
    event_time_offset, description, city, region, postal_code, country, received_at)
  SELECT seq, event_id, shipment_id, tracking_number, type, event_time, event_time_offset,
    description, city, region, postal_code, country, received_at
  FROM scan_events;

DROP TABLE scan_events;

ALTER TABLE scan_events_new RENAME TO scan_events;

CREATE INDEX scan_events_by_shipment ON scan_events (shipment_id, event_time, seq);
