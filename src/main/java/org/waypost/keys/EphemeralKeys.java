package org.waypost.keys;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tier-1 keys: generated in memory, rotated every UTC hour, never written anywhere.
 *
 * <p>Rate-limit and abuse counters need a stable pseudonym for a client for minutes, not days. A
 * random HMAC-SHA256 key per hour gives that, and because the key exists only in this process's
 * memory and is dropped an hour later, no file, backup or database can ever turn those pseudonyms
 * back into addresses. Only the current hour's key and the one before are kept (the previous one so
 * that a clock stepping back across the hour still gets stable tags).
 */
public final class EphemeralKeys implements Tagger {
  private static final String ALGORITHM = "HmacSHA256";
  private static final long SECONDS_PER_HOUR = 3600;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The keys held: the current hour's and, when it was the hour just before, the previous. */
  private record Window(long hour, Mac current, long previousHour, Mac previous) {
    Mac keyFor(long h) {
      if (h == previousHour && previous != null) {
        return previous;
      }
      return current; // the current hour, or a clock gone back further than we remember
    }
  }

  /**
   * Where each hour's key comes from: by default 32 random bytes made here; with several nodes, a
   * shared in-memory store (Redis {@code SET NX EX}) so that every node gives a client the same
   * pseudonym. Whatever it returns is used once to key the MAC and then wiped.
   */
  @FunctionalInterface
  public interface Source {
    byte[] keyFor(long hour);
  }

  /** Random bytes made in this process: one node. */
  public static final Source LOCAL =
      hour -> {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return bytes;
      };

  private final Clock clock;
  private final Source source;
  private final AtomicReference<Window> window = new AtomicReference<>();

  public EphemeralKeys(Clock clock) {
    this(clock, LOCAL);
  }

  public EphemeralKeys(Clock clock, Source source) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.source = Objects.requireNonNull(source, "source");
  }

  /** A 16-byte tag under the current UTC hour's key. */
  @Override
  public byte[] tag(String domain, byte[] input) {
    long hour = currentHour();
    Window w = window(hour);
    return mac(w.keyFor(hour), domain, input);
  }

  /**
   * The tag the same input had under the previous hour's key, while that key is still held: lets
   * in-memory counters follow a client across the hourly rotation without keeping the address.
   */
  public Optional<byte[]> previousTag(String domain, byte[] input) {
    long hour = currentHour();
    Window w = window(hour);
    if (w.hour() != hour || w.previous() == null || w.previousHour() != hour - 1) {
      return Optional.empty();
    }
    return Optional.of(mac(w.previous(), domain, input));
  }

  /**
   * The keys for {@code hour}: a plain read on every request, and a compare-and-set only when the
   * hour has advanced past the one held.
   */
  private Window window(long hour) {
    Window w = window.get();
    if (w != null && hour <= w.hour()) {
      return w;
    }
    return window.updateAndGet(current -> advance(current, hour, source));
  }

  private long currentHour() {
    return Math.floorDiv(clock.instant().getEpochSecond(), SECONDS_PER_HOUR);
  }

  /**
   * Tags run on every request, so each hour's key is held as an initialized Mac that is cloned per
   * use: much cheaper than looking the algorithm up and keying it again each time.
   */
  private static byte[] mac(Mac prototype, String domain, byte[] input) {
    Mac mac;
    try {
      mac = (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("HMAC-SHA256 cannot be cloned on this JDK", e);
    }
    return Arrays.copyOf(mac.doFinal(PrfTagger.message(domain, input)), PrfTagger.TAG_BYTES);
  }

  private static Window advance(Window w, long hour, Source source) {
    if (w != null && hour <= w.hour()) {
      return w;
    }
    Mac fresh = newKey(source.keyFor(hour));
    if (w != null && w.hour() == hour - 1) {
      return new Window(hour, fresh, w.hour(), w.current());
    }
    return new Window(hour, fresh, Long.MIN_VALUE, null);
  }

  private static Mac newKey(byte[] bytes) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(bytes, ALGORITHM));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "EphemeralKeys[hourly, in memory]";
  }
}
