package org.waypost.notify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import org.waypost.config.NotificationsConfig;
import org.waypost.keys.DayKeyDestroyedException;
import org.waypost.keys.DayKeys;
import org.waypost.keys.KeyStore;

/**
 * How long a subscription lives, and the key its address is sealed under.
 *
 * <p>Why a key per expiry day in the key folder, not a keyset in the database: deleting a row does
 * not delete it from the backups taken before. So a subscription's address (with its link tokens)
 * is sealed under the mail key of the UTC day on which the subscription expires ({@link
 * KeyStore#mail}), a file kept apart from the database like the visitor tier's day keys, and that
 * file is shredded once its day is over ({@code Retention}). Every copy of the row, in a backup or
 * anywhere, stops opening then. A scan that moves the expiry to another day re-seals the address
 * under that day's key ({@link SubscriptionLifetimes}), so the rule holds however long a parcel
 * travels: the row is deleted at its expiry, its key by the end of that day.
 *
 * <p>The rule: a request waits {@link Subscriptions#UNCONFIRMED_LIFETIME} for its confirmation; a
 * confirmed one ends {@code daysAfterDelivery} after the newest delivered or returned-to-sender
 * scan of its number, or {@code daysAfterLastScan} after the newest scan, whichever comes first
 * (scan times are when Waypost received them, so a back-dated scan cannot end a subscription
 * early).
 */
public final class AddressSeal {
  private final Supplier<KeyStore> keys;
  private final Duration afterDelivery;
  private final Duration afterLastScan;

  public AddressSeal(Supplier<KeyStore> keys, NotificationsConfig config) {
    this.keys = keys;
    this.afterDelivery = Duration.ofDays(config.daysAfterDelivery());
    this.afterLastScan = Duration.ofDays(config.daysAfterLastScan());
  }

  /**
   * When a confirmed subscription ends, given its number's newest scan and its newest delivered or
   * returned-to-sender scan (null if none).
   */
  public Instant expiry(Instant lastScan, Instant ended) {
    Instant byScan = lastScan.plus(afterLastScan);
    if (ended == null) {
      return byScan;
    }
    Instant byEnd = ended.plus(afterDelivery);
    return byEnd.isBefore(byScan) ? byEnd : byScan;
  }

  /** The UTC day whose mail key seals a subscription expiring at {@code expiresAt}. */
  public static LocalDate keyDay(Instant expiresAt) {
    return expiresAt.atZone(ZoneOffset.UTC).toLocalDate();
  }

  /**
   * Seals under the key of {@code expiresAt}'s day, creating it if needed. Not inside a database
   * transaction: creating a key records it in the key ledger in a transaction of its own, which
   * SQLite would make wait for the one already open.
   */
  public String seal(String plain, String context, Instant expiresAt) {
    return sealed(keys.get().mail(keyDay(expiresAt)), plain, context);
  }

  /**
   * Seals under the key of {@code expiresAt}'s day if that key exists already (for work inside a
   * transaction): empty when it does not. {@link #prepare} makes them ahead of time.
   */
  public Optional<String> sealIfKeyExists(String plain, String context, Instant expiresAt) {
    return keys.get()
        .existingMail(keyDay(expiresAt))
        .map(dayKeys -> sealed(dayKeys, plain, context));
  }

  /**
   * The plain text of a value {@link #seal} made.
   *
   * @throws org.waypost.keys.DayKeyDestroyedException when its key is destroyed: the row outlived
   *     its key, which the lifetime rules prevent
   */
  public String open(String sealed, String context) {
    return new String(
        keys.get()
            .mail(sealedOn(sealed))
            .open(
                Base64.getDecoder().decode(sealed.substring(sealed.indexOf(':') + 1)),
                associatedData(context)),
        StandardCharsets.UTF_8);
  }

  /** The day whose mail key opens a sealed value: it is written before the ciphertext. */
  public static LocalDate sealedOn(String sealed) {
    return LocalDate.parse(sealed.substring(0, sealed.indexOf(':')));
  }

  /**
   * Makes the mail keys a scan may need from {@code now} on: every day up to {@code
   * daysAfterLastScan} ahead, so that a scan's transaction never has to create one.
   */
  public void prepare(Instant now) {
    KeyStore store = keys.get();
    LocalDate today = keyDay(now);
    LocalDate last = keyDay(now.plus(afterLastScan)).plusDays(1);
    for (LocalDate day = today; !day.isAfter(last); day = day.plusDays(1)) {
      try {
        store.mail(day);
      } catch (DayKeyDestroyedException e) {
        // destroyed ahead of time (retention run --at a later instant): nothing may seal under it
      }
    }
  }

  /** {@code <day>:<base64 ciphertext>}: the day names the key, so the row needs no column. */
  private static String sealed(DayKeys dayKeys, String plain, String context) {
    return dayKeys.day()
        + ":"
        + Base64.getEncoder()
            .encodeToString(
                dayKeys.seal(plain.getBytes(StandardCharsets.UTF_8), associatedData(context)));
  }

  /** Bound to the purpose and the row (its unsubscribe hash), as before. */
  private static byte[] associatedData(String context) {
    return ("waypost-mail-address:" + context).getBytes(StandardCharsets.UTF_8);
  }
}
