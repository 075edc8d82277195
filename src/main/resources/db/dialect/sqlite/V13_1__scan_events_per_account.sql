-- Each scan now records the account whose event id it is and the key that sent it, and event ids
-- are unique per account (see the PostgreSQL version of this migration). SQLite cannot change a
-- table's unique key, so the table is rebuilt as in V11; its rows and sequence carry over. Scans
-- stored before get their piece owner's account and no key (unattributed); a scan without a piece
-- would fail the NOT NULL and stop the migration rather than be dropped.
CREATE TABLE scan_events_new (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id VARCHAR(128) NOT NULL,
  account_id BIGINT NOT NULL,
  api_key_id BIGINT,
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
  received_at BIGINT NOT NULL,
  UNIQUE (account_id, event_id)
);

INSERT INTO scan_events_new (seq, event_id, account_id, api_key_id, shipment_id, tracking_number,
    type, event_time, event_time_offset, description, city, region, postal_code, country,
    received_at)
  SELECT e.seq, e.event_id, (SELECT s.shipper_id FROM shipments s WHERE s.id = e.shipment_id),
    NULL, e.shipment_id, e.tracking_number, e.type, e.event_time, e.event_time_offset,
    e.description, e.city, e.region, e.postal_code, e.country, e.received_at
  FROM scan_events e;

DROP TABLE scan_events;

ALTER TABLE scan_events_new RENAME TO scan_events;

CREATE INDEX scan_events_by_shipment ON scan_events (shipment_id, event_time, seq);
