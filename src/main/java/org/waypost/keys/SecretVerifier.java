package org.waypost.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a presented {@link PrefixedSecret} (shipper API keys, operator tokens) and says whom it
 * belongs to. Why one class: both credentials are checked by the same steps, and a credential check
 * written twice drifts; only where the row is looked up differs, and that is the {@link Lookup}.
 *
 * <p>The steps: text that does not have the credential's shape is refused without a lookup; a
 * credential verified within {@link #CACHE_TTL} is answered from memory; otherwise the lookup finds
 * the active credential by its public id, and the presented secret's SHA-256 is compared with the
 * stored one in constant time. An unknown id costs one lookup, a wrong secret one lookup and one
 * comparison. Only verified credentials are remembered, keyed by their full text, so a wrong secret
 * with a known id is never answered from memory.
 *
 * <p>{@link #forget} drops a revoked credential from this node's memory at once; other nodes keep
 * it for at most {@link #CACHE_TTL}, which is how long a revoked credential may keep working there.
 * That bound holds on the real time that passes and on the injected clock alike, whichever runs
 * first, so a test can move the clock past it. A credential with an expiry is refused from that
 * instant of the clock on, whether it comes from memory or from the lookup.
 *
 * @param <T> what a verified credential identifies (a shipper, an operator)
 */
public final class SecretVerifier<T> {
  /** How long a verified credential is remembered: the bound on revocation across nodes. */
  public static final Duration CACHE_TTL = Duration.ofSeconds(30);

  private static final int CACHE_SIZE = 10_000;

  /**
   * What a lookup found for an id: the stored SHA-256 of the secret, whom it belongs to, and the
   * epoch millisecond from which it is expired ({@link Long#MAX_VALUE} for never).
   */
  public record Stored<T>(byte[] secretHash, T holder, long expiresAt) {
    public Stored {
      Objects.requireNonNull(secretHash, "secretHash");
      Objects.requireNonNull(holder, "holder");
    }

    /** A credential that does not expire. */
    public Stored(byte[] secretHash, T holder) {
      this(secretHash, holder, Long.MAX_VALUE);
    }
  }

  /** A verified credential in memory: whom it belongs to, when it was verified, when it expires. */
  private record Verified<T>(T holder, long verifiedAt, long expiresAt) {}

  /** Finds the active (unrevoked) credential with this public id; empty when there is none. */
  @FunctionalInterface
  public interface Lookup<T> {
    Optional<Stored<T>> find(String id);
  }

  private final String prefix;
  private final Lookup<T> lookup;
  private final Clock clock;
  private final Cache<String, Verified<T>> verified =
      Caffeine.newBuilder().maximumSize(CACHE_SIZE).expireAfterWrite(CACHE_TTL).build();

  /**
   * @param prefix the credential's prefix, e.g. {@code wpk_}
   * @param lookup finds the stored hash and holder by id
   */
  public SecretVerifier(String prefix, Lookup<T> lookup) {
    this(prefix, lookup, Clock.systemUTC());
  }

  /**
   * @param clock what expiry and the memory's {@link #CACHE_TTL} are measured against (besides real
   *     time, for the latter)
   */
  public SecretVerifier(String prefix, Lookup<T> lookup, Clock clock) {
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Whom the valid, active credential {@code presented} belongs to. */
  public Optional<T> verify(String presented) {
    Optional<PrefixedSecret> parsed = PrefixedSecret.parse(prefix, presented);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    long now = clock.millis();
    Verified<T> cached = verified.getIfPresent(presented);
    if (cached != null) {
      if (now < cached.expiresAt() && now - cached.verifiedAt() < CACHE_TTL.toMillis()) {
        return Optional.of(cached.holder());
      }
      verified.invalidate(presented);
    }
    PrefixedSecret credential = parsed.get();
    Optional<Stored<T>> found =
        lookup
            .find(credential.id())
            .filter(stored -> credential.matches(stored.secretHash()))
            .filter(stored -> now < stored.expiresAt());
    found.ifPresent(
        stored ->
            verified.put(presented, new Verified<>(stored.holder(), now, stored.expiresAt())));
    return found.map(Stored::holder);
  }

  /** Forgets every remembered credential with this id, e.g. after revoking it. */
  public void forget(String id) {
    String revoked = PrefixedSecret.idPrefix(prefix, id);
    verified.asMap().keySet().removeIf(text -> text.startsWith(revoked));
  }
}
