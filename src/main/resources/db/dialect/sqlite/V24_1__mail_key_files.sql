-- The key ledger (V21) records the mail keys too (kind 'mail'; see V24). SQLite cannot change a
-- CHECK constraint, so the table is rebuilt; its rows carry over.
CREATE TABLE day_key_files_new (
  kind VARCHAR(16) NOT NULL CHECK (kind IN ('day', 'visitors', 'mail')),
  day VARCHAR(10) NOT NULL,
  fingerprint VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  destroyed_at BIGINT,
  PRIMARY KEY (kind, day)
);

INSERT INTO day_key_files_new (kind, day, fingerprint, created_at, destroyed_at)
  SELECT kind, day, fingerprint, created_at, destroyed_at FROM day_key_files;

DROP TABLE day_key_files;

ALTER TABLE day_key_files_new RENAME TO day_key_files;
