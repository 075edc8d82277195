-- Visitor data, tiers 2 and 3 (tier 1 lives only in memory). See docs/privacy-model.md.

-- Tier 2, the security log: one row per captured request, deleted after
-- privacy.securityLogRetentionDays together with the day keys that sealed and tagged it.
-- No column holds an address or a tracking number in clear: the address is sealed under the
-- day's AEAD key, and client, network prefix and numbers are PRF tags under the day's key.
-- Ids are made by the writer (time, a counter and a random node number; see LogIds), so a
-- batch's rows and their numbers are written without round trips, in ascending order. Rows
-- and their numbers are deleted together by day (the (day, ...) indexes serve that).
CREATE TABLE security_log (
  id BIGINT PRIMARY KEY,
  day VARCHAR(10) NOT NULL,
  time BIGINT NOT NULL,
  route_class VARCHAR(16) NOT NULL,
  status INTEGER NOT NULL,
  latency_micros BIGINT NOT NULL,
  client_tag ${blob} NOT NULL,
  prefix_tag ${blob} NOT NULL,
  sealed_ip ${blob} NOT NULL,
  browser_family VARCHAR(40) NOT NULL,
  browser_major VARCHAR(10) NOT NULL,
  device_class VARCHAR(10) NOT NULL,
  bot BOOLEAN NOT NULL,
  privacy_signal BOOLEAN NOT NULL,
  shipper_key_id VARCHAR(32)
);

CREATE INDEX security_log_by_client ON security_log (day, client_tag);
CREATE INDEX security_log_by_prefix ON security_log (day, prefix_tag);

-- One tag per number asked, so "who asked for X on day D" can be answered only while the
-- keys of day D exist.
CREATE TABLE security_log_numbers (
  log_id BIGINT NOT NULL,
  day VARCHAR(10) NOT NULL,
  number_tag ${blob} NOT NULL,
  outcome VARCHAR(10) NOT NULL
);

CREATE INDEX security_log_numbers_by_tag ON security_log_numbers (day, number_tag);

-- Tier 3, aggregates (kept): counts per hour ('H', bucket 2026-11-29T13) and per day ('D',
-- bucket 2026-11-29), by dimension and value. Nothing per visitor.
CREATE TABLE traffic_counts (
  period CHAR(1) NOT NULL,
  bucket VARCHAR(13) NOT NULL,
  dimension VARCHAR(16) NOT NULL,
  value VARCHAR(253) NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (period, bucket, dimension, value)
);

-- The distinct visitor tags of days whose unique-visitor count is not final yet, under a
-- per-day key of their own. When the day is over, retention counts them into traffic_counts,
-- deletes the rows and destroys that key.
CREATE TABLE daily_visitors (
  day VARCHAR(10) NOT NULL,
  tag ${blob} NOT NULL,
  PRIMARY KEY (day, tag)
);
