package org.waypost.abuse;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.waypost.config.AbuseConfig;
import org.waypost.keys.EphemeralKeys;

/**
 * The clients (or, in a second roster, the networks) that lookup limits know this hour, by hourly
 * pseudonym. Memory must not grow with every new address, which is what a flood of distinct
 * addresses would exploit, so a newcomer is only a slot in the {@link Newcomers} table; full state
 * ({@link Tracked}) is given on its second request or its first failed lookup, charged with what it
 * already spent, and held in a bounded cache that drops idle state first. At the hourly key
 * rotation, state follows its client through the previous hour's tag; a block persisted earlier
 * ({@link Blocks}) gives a returning client state at once.
 */
final class Roster {
  private final Blocks.Scope scope;
  private final String domain;
  private final Supplier<Tracked> fresh;
  private final EphemeralKeys hourly;
  private final Blocks blocks;
  private final Cache<Pseudonym, Tracked> held;
  private final Newcomers newcomers;

  /**
   * @param domain the tag domain of the pseudonyms this roster is keyed by
   * @param fresh new state, with a full bucket
   * @param newcomers how many newcomers the table holds at most
   */
  Roster(
      Blocks.Scope scope,
      String domain,
      Supplier<Tracked> fresh,
      int newcomers,
      AbuseConfig config,
      EphemeralKeys hourly,
      Blocks blocks) {
    this.scope = scope;
    this.domain = domain;
    this.fresh = fresh;
    this.hourly = hourly;
    this.blocks = blocks;
    this.held =
        Caffeine.newBuilder()
            .maximumSize(config.maxTrackedClients())
            .expireAfterAccess(Duration.ofMinutes(Math.max(60, config.windowMinutes())))
            .build();
    this.newcomers = new Newcomers(newcomers);
  }

  /**
   * The state of a client (or network) that has some: held under this hour's pseudonym {@code key},
   * carried over from the previous hour's, promoted from the newcomer table on its second request,
   * or created for a block persisted earlier. Null for a newcomer.
   *
   * @param input what {@code key} is the tag of (the address or the network prefix)
   */
  Tracked known(Pseudonym key, byte[] input, InetAddress client, long now) {
    Tracked tracked = held.getIfPresent(key);
    if (tracked != null) {
      return tracked;
    }
    // nothing to carry over while nothing is held (a flood of one-time clients, say)
    Tracked carried =
        held.estimatedSize() == 0
            ? null
            : hourly
                .previousTag(domain, input)
                .map(previous -> held.asMap().remove(Pseudonym.of(previous)))
                .orElse(null);
    if (carried != null) {
      Tracked raced = held.asMap().putIfAbsent(key, carried);
      return raced != null ? raced : carried;
    }
    int spent = newcomers.remove(key, hour(now));
    Optional<Blocks.Active> block = blocks.activeBlock(client, scope, now);
    if (spent < 0 && block.isEmpty()) {
      return null;
    }
    Tracked created = create(Math.max(spent, 0));
    block.ifPresent(
        b -> {
          created.block(b.rule(), b.until(), b.offence());
          created.blockedBy(b.until(), b.incident());
        });
    Tracked raced = held.asMap().putIfAbsent(key, created);
    return raced != null ? raced : created;
  }

  /** Gives a newcomer full state (it asked for an unknown number on its first request). */
  Tracked promote(Pseudonym key, long now) {
    Tracked existing = held.getIfPresent(key);
    if (existing != null) {
      return existing;
    }
    int spent = newcomers.remove(key, hour(now));
    Tracked created = create(Math.max(spent, 0));
    Tracked raced = held.asMap().putIfAbsent(key, created);
    return raced != null ? raced : created;
  }

  /** Records a newcomer's first request, which spent {@code tokens}. */
  void newcomer(Pseudonym key, int tokens, long now) {
    newcomers.add(key, tokens, hour(now));
  }

  /** How many hold full state (an estimate, for the gauge). */
  long size() {
    return held.estimatedSize();
  }

  private Tracked create(int alreadySpent) {
    Tracked created = fresh.get();
    if (alreadySpent > 0) {
      created.bucket.tryConsume(alreadySpent);
    }
    return created;
  }

  private static long hour(long now) {
    return now / 3_600_000;
  }
}
