package org.waypost.abuse;

import io.github.bucket4j.Bucket;

/**
 * What is held in memory about one client or one network prefix: its token bucket, its recent
 * lookups, and whether it is blocked. Keyed only by an hourly pseudonym (tier 1).
 */
final class Tracked {
  final Bucket bucket;
  private Window window;
  private Slots slots;
  private long blockedUntil;
  private int offence;
  private String blockRule;
  private long blockIncident;

  private Tracked(Bucket bucket, Window window, Slots slots) {
    this.bucket = bucket;
    this.window = window;
    this.slots = slots;
  }

  static Tracked client(Bucket bucket) {
    return new Tracked(bucket, new Window(), null);
  }

  static Tracked prefix(Bucket bucket, int windowMinutes) {
    return new Tracked(bucket, null, new Slots(windowMinutes));
  }

  /**
   * What one request added to a client's window: how many of its numbers were new there and how
   * many of those failed, and the window's counts afterwards.
   */
  record Recorded(int newLookups, int newFailures, Window.Counts counts) {}

  /** Records all the numbers (by hash) one request asked for, under one lock. */
  synchronized Recorded record(long minute, int windowMinutes, int[] hashes, boolean[] failed) {
    int newLookups = 0;
    int newFailures = 0;
    for (int i = 0; i < hashes.length; i++) {
      if (window.record(minute, windowMinutes, hashes[i], failed[i])) {
        newLookups++;
        newFailures += failed[i] ? 1 : 0;
      }
    }
    return new Recorded(newLookups, newFailures, window.counts());
  }

  synchronized int[] add(long minute, int lookups, int failures) {
    return slots.add(minute, lookups, failures);
  }

  synchronized long blockedUntil() {
    return blockedUntil;
  }

  synchronized String blockRule() {
    return blockRule;
  }

  synchronized int offence() {
    return offence;
  }

  synchronized long blockIncident() {
    return blockIncident;
  }

  /** Marks the block; returns false when an equal or longer block was already in place. */
  synchronized boolean block(String rule, long until, int newOffence) {
    if (blockedUntil >= until) {
      return false;
    }
    blockRule = rule;
    blockedUntil = until;
    blockIncident = 0;
    offence = Math.max(offence, newOffence);
    return true;
  }

  /**
   * The incident that records the block in place, once it is stored; after the block ends, the
   * incident of the last one (so that a block later found wrong can be discounted).
   */
  synchronized void blockedBy(long until, long incident) {
    if (blockedUntil == until) {
      blockIncident = incident;
    }
  }

  /**
   * Ends the block of {@code incident}, if it is the one in place, and starts the enumeration count
   * afresh: what led to the block would otherwise block again at the next unknown number.
   */
  synchronized void lift(long incident) {
    if (incident == 0 || blockIncident != incident || blockedUntil == 0) {
      return;
    }
    blockedUntil = 0;
    blockRule = null;
    window = window == null ? null : new Window();
    slots = slots == null ? null : slots.empty();
  }
}
