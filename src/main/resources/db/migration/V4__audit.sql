-- The audit log (guarantee 6): one row per recorded action, each hash-chained to the one before.
-- How the hash is computed is documented in org.waypost.governance.AuditLog; signed checkpoints of
-- the head live outside the database (org.waypost.governance.Checkpoints). Times are epoch
-- milliseconds. Entry 0 is implicit: entry 1's prev_hash is 64 zeros.

-- seq is given by the appender (the head's seq + 1), not by the database, so that it is gapless:
-- an identity would skip numbers on rollback, and a gap must mean a removed entry.
-- details: canonical JSON (sorted keys, no whitespace), hashed exactly as stored.
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  time BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action VARCHAR(64) NOT NULL,
  target TEXT,
  details TEXT NOT NULL,
  prev_hash CHAR(64) NOT NULL,
  hash CHAR(64) NOT NULL
);

-- One row, locked by every appender (SELECT ... FOR UPDATE on PostgreSQL; SQLite's write
-- transactions are serialized already) so that entries are appended one at a time, each after
-- the last committed one. It repeats the newest entry's seq and hash.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash CHAR(64) NOT NULL
);

INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
