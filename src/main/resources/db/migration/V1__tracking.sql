-- Tracking core: shippers and their API keys, shipments, scan events, number serials.
-- ${id} and ${blob} are filled in per dialect (see org.waypost.db.Dialect).
-- Times are epoch milliseconds; where the local offset matters (a scan's wall-clock time,
-- which the history shows), it is kept beside them in seconds.

CREATE TABLE shippers (
  id ${id},
  name VARCHAR(80) NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);

-- Only a SHA-256 of each key's 256-bit secret is kept; key_id is the public half of the key.
CREATE TABLE api_keys (
  id ${id},
  key_id VARCHAR(32) NOT NULL UNIQUE,
  secret_hash ${blob} NOT NULL,
  shipper_id BIGINT NOT NULL REFERENCES shippers (id),
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);

-- One row per numbering scheme (e.g. IMPB:701:123456, S10:CP:US); next_value only grows.
CREATE TABLE number_serials (
  scheme VARCHAR(40) PRIMARY KEY,
  next_value BIGINT NOT NULL
);

CREATE TABLE shipments (
  id ${id},
  tracking_number VARCHAR(34) NOT NULL,
  shipper_id BIGINT NOT NULL REFERENCES shippers (id),
  service VARCHAR(24) NOT NULL,
  reference VARCHAR(64),
  origin_city VARCHAR(64),
  origin_region VARCHAR(32),
  origin_postal_code VARCHAR(16),
  origin_country CHAR(2) NOT NULL,
  destination_city VARCHAR(64),
  destination_region VARCHAR(32),
  destination_postal_code VARCHAR(16),
  destination_country CHAR(2) NOT NULL,
  created_at BIGINT NOT NULL,
  -- the projection of the scans (org.waypost.tracking.Projection)
  status VARCHAR(24) NOT NULL,
  status_text VARCHAR(200) NOT NULL,
  status_time BIGINT,
  status_time_offset INTEGER,
  accepted_at BIGINT,
  accepted_at_offset INTEGER,
  delivered_at BIGINT,
  delivered_at_offset INTEGER,
  last_event_time BIGINT NOT NULL,
  last_event_seq BIGINT NOT NULL
);

CREATE INDEX shipments_by_number ON shipments (tracking_number, id);
CREATE INDEX shipments_by_delivery ON shipments (delivered_at);

-- seq is the order of receipt; it breaks ties between scans with the same event time.
-- tracking_number is repeated here so that the table can be distributed by number.
CREATE TABLE scan_events (
  seq ${id},
  event_id VARCHAR(128) NOT NULL UNIQUE,
  shipment_id BIGINT NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
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

CREATE INDEX scan_events_by_shipment ON scan_events (shipment_id, event_time, seq);
