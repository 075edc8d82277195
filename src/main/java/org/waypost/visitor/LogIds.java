package org.waypost.visitor;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Ids for security-log rows, made by the single capture writer: the time in milliseconds, a counter
 * and a node number picked at random at start. They ascend, so rows are appended to the end of the
 * index rather than scattered through it, and they let a batch link its rows and its numbers
 * without asking the database. Two nodes collide only if they drew the same node number (1 in
 * 1,024) and wrote in the same millisecond with the same counter.
 */
final class LogIds {
  private static final int NODE_BITS = 10;
  private static final long STEP = 1L << NODE_BITS;

  private final Clock clock;
  private final long node = new SecureRandom().nextInt(1 << NODE_BITS);
  private long last;

  LogIds(Clock clock) {
    this.clock = clock;
  }

  /** Not thread-safe: one writer. */
  long next() {
    long base = clock.millis() << 22;
    last = Math.max(base, last + STEP);
    return last | node;
  }
}
