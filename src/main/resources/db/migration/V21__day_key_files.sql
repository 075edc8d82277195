-- The key files of privacy.keyDir as the nodes sharing this database know them
-- (org.waypost.nodes.KeyFolderLedger): one row per kind ('day' or 'visitors') and UTC day, with
-- the fingerprint of the file as stored (SHA-256 of its bytes, which are ciphertext under the
-- master key) and, once shredded, when. Never the keys: they stay in the folder, out of database
-- backups and WAL, so that destroying a day stays final. A node whose folder disagrees with these
-- rows refuses to start; a destruction recorded here reaches every node within a minute.
CREATE TABLE day_key_files (
  kind VARCHAR(16) NOT NULL CHECK (kind IN ('day', 'visitors')),
  day VARCHAR(10) NOT NULL,
  fingerprint VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  destroyed_at BIGINT,
  PRIMARY KEY (kind, day)
);
