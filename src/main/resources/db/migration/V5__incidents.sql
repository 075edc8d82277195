-- Abuse incidents: one row per block imposed. Client and prefix are tier-2 day tags (the same
-- tags as the security log of that day, so an incident links to its requests while the day's
-- keys exist); the address (or network, for a prefix block) is sealed under the day's key and
-- can be revealed, with a recorded reason, only until retention destroys that key.
CREATE TABLE incidents (
  id ${id},
  day VARCHAR(10) NOT NULL,
  rule VARCHAR(32) NOT NULL,
  scope VARCHAR(8) NOT NULL,
  client_tag ${blob} NOT NULL,
  prefix_tag ${blob} NOT NULL,
  sealed_ip ${blob} NOT NULL,
  lookups INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  action VARCHAR(16) NOT NULL,
  blocked_until BIGINT NOT NULL,
  offence INTEGER NOT NULL
);

CREATE INDEX incidents_by_day ON incidents (day);
