-- Each serving node's last heartbeat (org.waypost.nodes.Heartbeats), every 30 seconds, so that a
-- node can tell it shares this database with another: without abuse.redisUrl each node keeps its
-- own abuse limits, and serve says so. A random id per process, never a host name or address.
CREATE TABLE node_heartbeats (
  node_id VARCHAR(36) PRIMARY KEY,
  beat_at BIGINT NOT NULL
);
