-- Operators: named accounts with roles, and their API tokens (org.waypost.governance).
-- ${id} and ${blob} are filled in per dialect (see org.waypost.db.Dialect); times are epoch
-- milliseconds. Depends only on V1's conventions, not on any table of V2.

-- roles: labels in a fixed order, comma-separated (e.g. "legal,privacy").
-- password_hash: an Argon2id string ("$argon2id$v=19$m=...") or NULL for a token-only operator.
-- disabled_at ends an operator's access; disabling rather than deleting keeps every name the
-- audit log refers to.
CREATE TABLE operators (
  id ${id},
  name VARCHAR(64) NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  roles TEXT NOT NULL CHECK (roles <> ''),
  password_hash TEXT,
  created_at BIGINT NOT NULL,
  disabled_at BIGINT
);

-- As with api_keys: token_id is the public half of the token; only a SHA-256 of its 256-bit
-- secret is kept.
CREATE TABLE operator_tokens (
  id ${id},
  token_id VARCHAR(32) NOT NULL UNIQUE,
  token_hash ${blob} NOT NULL,
  operator_id BIGINT NOT NULL REFERENCES operators (id),
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);

CREATE INDEX operator_tokens_by_operator ON operator_tokens (operator_id);
