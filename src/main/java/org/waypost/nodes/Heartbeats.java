package org.waypost.nodes;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.db.Database;

/**
 * This node's heartbeat in the database ({@code node_heartbeats}), and a warning when another
 * node's beat shows up while abuse state is per node ({@code abuse.redisUrl} empty): a guesser
 * spreading requests over N such nodes gets N times the allowance, which an operator should know
 * rather than find out. The warning is logged when another node is first seen, and again if one
 * appears after all had gone quiet.
 *
 * <p>A node counts as alive while its last beat is younger than {@link #ALIVE}, three beats: one
 * missed beat (a slow database, a GC pause) does not make it vanish. Beats older than a day are
 * deleted, so stopped nodes do not pile up.
 */
public final class Heartbeats {
  private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

  /** How often a serving node beats. */
  public static final Duration EVERY = Duration.ofSeconds(30);

  static final Duration ALIVE = EVERY.multipliedBy(3);
  private static final Duration FORGOTTEN = Duration.ofDays(1);

  static final String WARNING =
      "another node shares this database; without abuse.redisUrl each node keeps its own limits";

  private final Database database;
  private final Clock clock;
  private final boolean perNodeLimits;
  private final String nodeId = UUID.randomUUID().toString();
  private boolean othersSeen;

  /** {@code perNodeLimits}: abuse state is this node's own (no {@code abuse.redisUrl}). */
  public Heartbeats(Database database, Clock clock, boolean perNodeLimits) {
    this.database = database;
    this.clock = clock;
    this.perNodeLimits = perNodeLimits;
  }

  /** Records this node's beat and warns if another node is alive and limits are per node. */
  public synchronized void beat() {
    long now = clock.millis();
    int others =
        database.inTransaction(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO node_heartbeats (node_id, beat_at) VALUES (?, ?)"
                          + " ON CONFLICT (node_id) DO UPDATE SET beat_at = excluded.beat_at")) {
                ps.setString(1, nodeId);
                ps.setLong(2, now);
                ps.executeUpdate();
              }
              try (PreparedStatement ps =
                  c.prepareStatement("DELETE FROM node_heartbeats WHERE beat_at < ?")) {
                ps.setLong(1, now - FORGOTTEN.toMillis());
                ps.executeUpdate();
              }
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT COUNT(*) FROM node_heartbeats WHERE node_id <> ? AND beat_at >= ?")) {
                ps.setString(1, nodeId);
                ps.setLong(2, now - ALIVE.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  return rs.getInt(1);
                }
              }
            });
    if (others > 0 && !othersSeen && perNodeLimits) {
      log.warn(WARNING + " other_nodes={}", others);
    }
    othersSeen = others > 0;
  }
}
