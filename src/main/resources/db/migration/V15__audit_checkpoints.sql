-- Signed checkpoints of the audit log inside the database too, beside the checkpoint file outside
-- it, so that each can catch a cut of the other (org.waypost.governance.CheckpointTable). Every
-- entry appended while a signing key exists gets its own row, in the transaction that appends it:
-- the signature of ["waypost-audit-checkpoint",seq,hash,time] (Tink Ed25519, base64), time being
-- the entry's. The key is (seq, hash), not seq: after a cut, the old rows stay beside the new
-- entries' and show what was there.
CREATE TABLE audit_checkpoints (
  seq BIGINT NOT NULL,
  hash CHAR(64) NOT NULL,
  time BIGINT NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (seq, hash)
);

-- The public keys whose signatures the checkpoints may carry, one per node's signing key, each
-- encrypted under the master key (Tink encrypted-keyset JSON, associated data
-- waypost-audit-public-key): whoever can write the database but lacks the master key cannot add a
-- key of their own. key_id is the keyset's primary key id, the one in every signature's prefix.
CREATE TABLE audit_signing_keys (
  key_id BIGINT PRIMARY KEY,
  public_keyset TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
