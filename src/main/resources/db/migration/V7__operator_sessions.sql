-- Operator console login sessions (org.waypost.console.Sessions), kept in the database so that
-- every node behind a load balancer sees the same sessions. ${blob} is filled in per dialect;
-- times are epoch milliseconds.
--
-- id_hash: SHA-256 of the 32-byte random session id. The id itself exists only in the operator's
-- cookie, so a copy of this table (a backup, a read replica, an SQL injection elsewhere) does not
-- let anyone take over a session.
-- csrf_token: the synchronizer token that every form of this session carries; useless without
-- the session cookie it belongs to.
-- expires_at: created_at plus the absolute lifetime; last_seen_at drives the idle timeout.
CREATE TABLE operator_sessions (
  id_hash ${blob} PRIMARY KEY,
  operator_id BIGINT NOT NULL REFERENCES operators (id),
  csrf_token VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL
);

CREATE INDEX operator_sessions_by_operator ON operator_sessions (operator_id);
CREATE INDEX operator_sessions_by_expiry ON operator_sessions (expires_at);
