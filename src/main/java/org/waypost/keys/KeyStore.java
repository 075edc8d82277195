package org.waypost.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.waypost.json.Json;

/**
 * Per-day keys under {@code privacy.keyDir}, kept apart from the database, each wrapped by the
 * master key.
 *
 * <p>Why files in their own folder: destroying a day must be final even for someone holding an old
 * database backup and the master key, so the keys cannot live in the database (its backups would
 * keep them). One small JSON file per day, created on first use, shredded when retention ends.
 *
 * <p>Several threads and several processes (a server and a {@code retention run}) share the folder
 * without locks. Creation links a complete temp file to the day's name, which fails if the name
 * exists, so every creator ends up reading the one winner. Destruction writes the tombstone
 * <em>before</em> shredding, and a creator re-checks the tombstone after linking, so a day being
 * created while it is destroyed never survives. Cached keys are re-checked against the folder
 * before they open anything.
 *
 * <p>Files: {@code day-2026-11-29.json} (AEAD and PRF keysets), {@code visitors-2026-11-29.json}
 * (the unique-visitor PRF keyset), {@code mail-2026-11-29.json} (the AEAD and PRF keysets that seal
 * the addresses of subscriptions expiring that day), {@code day-2026-11-29.destroyed} and {@code
 * visitors-2026-11-29.destroyed} (tombstones holding only the time of destruction). Keysets are
 * encrypted under the master key with associated data {@code waypost-day:<date>}, {@code
 * waypost-visitors:<date>} or {@code waypost-mail:<date>}, so a file renamed to another day or kind
 * does not open.
 */
public final class KeyStore {
  private static final int CACHED_DAYS = 8;
  private static final int CACHED_MAIL_DAYS = 100;
  private static final int FORMAT_VERSION = 1;
  private static final Pattern FILE_NAME =
      Pattern.compile(
          "(\\.)?(day|visitors|mail)-(\\d{4}-\\d{2}-\\d{2})\\.(json|destroyed)(\\.[0-9a-f]+\\.tmp)?");

  private enum Kind {
    DAY("day", "waypost-day:"),
    VISITORS("visitors", "waypost-visitors:"),
    MAIL("mail", "waypost-mail:");

    final String prefix;
    final String associatedDataPrefix;

    Kind(String prefix, String associatedDataPrefix) {
      this.prefix = prefix;
      this.associatedDataPrefix = associatedDataPrefix;
    }

    String keysetName(LocalDate day) {
      return prefix + "-" + day + ".json";
    }

    String tombstoneName(LocalDate day) {
      return prefix + "-" + day + ".destroyed";
    }

    byte[] associatedData(LocalDate day) {
      return (associatedDataPrefix + day).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** A file of the key folder, recognised by name. */
  private record Entry(Kind kind, LocalDate day, boolean keyset, boolean temp, Path path) {}

  /** The primitives opened from one keyset file; {@code aead} is null for visitor keys. */
  private record Opened(Aead aead, PrfSet prf) {}

  private final Path dir;
  private final MasterKey master;
  private final KeyLedger ledger;
  private final Clock clock = Clock.systemUTC(); // tombstones record when destruction really ran
  private final Cache<LocalDate, DayKeys> dayCache =
      Caffeine.newBuilder().maximumSize(CACHED_DAYS).build();
  private final Cache<LocalDate, Tagger> visitorCache =
      Caffeine.newBuilder().maximumSize(CACHED_DAYS).build();
  // a mail key per day on which subscriptions expire: up to notifications.daysAfterLastScan ahead
  private final Cache<LocalDate, DayKeys> mailCache =
      Caffeine.newBuilder().maximumSize(CACHED_MAIL_DAYS).build();

  public KeyStore(Path keyDir, MasterKey master) {
    this(keyDir, master, KeyLedger.NONE);
  }

  /** A store that reports each key file it creates or destroys to {@code ledger}. */
  public KeyStore(Path keyDir, MasterKey master, KeyLedger ledger) {
    this.dir = Objects.requireNonNull(keyDir, "keyDir");
    this.master = Objects.requireNonNull(master, "master");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    Tink.init();
    KeyFiles.createKeyFolder(keyDir);
  }

  /**
   * That UTC day's keys, created on first use.
   *
   * @throws DayKeyDestroyedException when the day was destroyed
   * @throws KeyStoreException when the day's file cannot be read or opened with the master key
   */
  public DayKeys day(LocalDate day) {
    return cachedOrObtained(Kind.DAY, day, dayCache, opened -> dayKeys(day, opened));
  }

  /**
   * That UTC day's keys, created on first use; empty when the day was destroyed, which {@code
   * retention run --at} a later instant does ahead of time. For whatever must go on without them: a
   * running server stops recording that day, it does not stop serving.
   *
   * @throws KeyStoreException when the day's file cannot be read or opened with the master key
   */
  public Optional<DayKeys> dayIfKept(LocalDate day) {
    try {
      return Optional.of(day(day));
    } catch (DayKeyDestroyedException e) {
      return Optional.empty();
    }
  }

  /** That day's keys if they exist; never creates them. Empty when absent or destroyed. */
  public Optional<DayKeys> existing(LocalDate day) {
    Objects.requireNonNull(day, "day");
    if (!alive(Kind.DAY, day)) {
      dayCache.invalidate(day);
      return Optional.empty();
    }
    return Optional.ofNullable(
        dayCache.get(
            day,
            d -> {
              Path file = keyset(Kind.DAY, d);
              byte[] content = KeyFiles.readKeyFileIfExists(file);
              return content == null ? null : dayKeys(d, open(Kind.DAY, d, file, content));
            }));
  }

  /** Whether the day's keys were destroyed (its tombstone exists). */
  public boolean isDestroyed(LocalDate day) {
    return Files.exists(tombstone(Kind.DAY, day));
  }

  /**
   * Destroys every day keyset of a day before {@code cutoff}: writes its tombstone, drops it from
   * the cache, overwrites the file with zeros, syncs and deletes it. Returns the days destroyed,
   * ascending.
   */
  public List<LocalDate> destroyBefore(LocalDate cutoff) {
    return destroy(Kind.DAY, cutoff, dayCache);
  }

  /**
   * The day's unique-visitor tagger, created on first use. Its key is separate from the day keys so
   * that visitor counting can be shredded on its own, sooner.
   *
   * @throws DayKeyDestroyedException when the day's visitor key was destroyed
   */
  public Tagger visitorTagger(LocalDate day) {
    return cachedOrObtained(
        Kind.VISITORS, day, visitorCache, opened -> new PrfTagger(opened.prf()));
  }

  /** As {@link #dayIfKept}, for the day's unique-visitor tagger. */
  public Optional<Tagger> visitorTaggerIfKept(LocalDate day) {
    try {
      return Optional.of(visitorTagger(day));
    } catch (DayKeyDestroyedException e) {
      return Optional.empty();
    }
  }

  /** As {@link #destroyBefore}, for the unique-visitor keys. */
  public List<LocalDate> destroyVisitorKeysBefore(LocalDate cutoff) {
    return destroy(Kind.VISITORS, cutoff, visitorCache);
  }

  /**
   * The mail key of a UTC day, created on first use: it seals the email addresses of the
   * subscriptions that expire on that day (org.waypost.notify.AddressSeal), and is destroyed once
   * the day is over, so that no copy of those rows opens afterwards, in a backup or anywhere.
   *
   * @throws DayKeyDestroyedException when that day's mail key was destroyed
   */
  public DayKeys mail(LocalDate day) {
    return cachedOrObtained(Kind.MAIL, day, mailCache, opened -> mailKeys(day, opened));
  }

  /**
   * The mail key of a day if it exists and is not destroyed; never creates one (for work inside a
   * database transaction, which must not wait for the key ledger's own).
   */
  public Optional<DayKeys> existingMail(LocalDate day) {
    Objects.requireNonNull(day, "day");
    if (!alive(Kind.MAIL, day)) {
      mailCache.invalidate(day);
      return Optional.empty();
    }
    try {
      return Optional.of(mail(day));
    } catch (DayKeyDestroyedException e) {
      return Optional.empty();
    }
  }

  /** As {@link #destroyBefore}, for the mail keys. */
  public List<LocalDate> destroyMailKeysBefore(LocalDate cutoff) {
    return destroy(Kind.MAIL, cutoff, mailCache);
  }

  /** Days whose mail keysets exist (not destroyed), ascending. */
  public List<LocalDate> mailKeyDays() {
    return days(Kind.MAIL);
  }

  /** Days whose day keysets exist (not destroyed), ascending. */
  public List<LocalDate> days() {
    return days(Kind.DAY);
  }

  /** Days whose unique-visitor keysets exist (not destroyed), ascending. */
  public List<LocalDate> visitorKeyDays() {
    return days(Kind.VISITORS);
  }

  private List<LocalDate> days(Kind kind) {
    return scan().stream()
        .filter(e -> e.kind() == kind && e.keyset() && !e.temp())
        .map(Entry::day)
        .filter(day -> !Files.exists(tombstone(kind, day)))
        .sorted()
        .distinct()
        .toList();
  }

  /**
   * The cached keys of the day while its file is still there and not tombstoned; otherwise drops
   * them and reads (or creates) the file anew.
   */
  private <T> T cachedOrObtained(
      Kind kind, LocalDate day, Cache<LocalDate, T> cache, Function<Opened, T> make) {
    Objects.requireNonNull(day, "day");
    T cached = cache.getIfPresent(day);
    if (cached != null) {
      if (alive(kind, day)) {
        return cached;
      }
      cache.invalidate(day);
    }
    return cache.get(day, d -> make.apply(obtain(kind, d)));
  }

  private DayKeys dayKeys(LocalDate day, Opened opened) {
    return new DayKeys(day, opened.aead(), new PrfTagger(opened.prf()), () -> alive(Kind.DAY, day));
  }

  private DayKeys mailKeys(LocalDate day, Opened opened) {
    return new DayKeys(
        day, opened.aead(), new PrfTagger(opened.prf()), () -> alive(Kind.MAIL, day));
  }

  /** Reads the day's keyset file, creating it first when nobody has. */
  private Opened obtain(Kind kind, LocalDate day) {
    Path file = keyset(kind, day);
    for (int attempt = 0; attempt < 5; attempt++) {
      if (Files.exists(tombstone(kind, day))) {
        throw new DayKeyDestroyedException(day);
      }
      byte[] content = KeyFiles.readKeyFileIfExists(file);
      if (content != null) {
        return open(kind, day, file, content);
      }
      byte[] generated = generate(kind, day);
      boolean created = KeyFiles.createKeyFile(file, generated);
      if (created && Files.exists(tombstone(kind, day))) {
        // Destroyed while we were creating it: the destroyer may have listed the folder before
        // our file appeared, so removing it is up to us.
        KeyFiles.shred(file);
        throw new DayKeyDestroyedException(day);
      }
      if (created) {
        ledger.created(kind.prefix, day, KeyLedger.fingerprint(generated));
      }
      // Created or lost the race: either way, read back the file that won.
    }
    throw new KeyStoreException(
        "cannot create the keys for " + day + " in " + dir + ": the file keeps disappearing");
  }

  private byte[] generate(Kind kind, LocalDate day) {
    byte[] associatedData = kind.associatedData(day);
    try {
      ObjectNode root = Json.MAPPER.createObjectNode();
      root.put("version", FORMAT_VERSION);
      root.put("day", day.toString());
      if (kind != Kind.VISITORS) {
        root.set(
            "aead",
            wrap(
                KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, Tink.CONFIGURATION),
                associatedData));
      }
      root.set(
          "prf",
          wrap(
              KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF, Tink.CONFIGURATION),
              associatedData));
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (GeneralSecurityException | IOException e) {
      throw new KeyStoreException("cannot generate the keys for " + day + ": " + e.getMessage(), e);
    }
  }

  private JsonNode wrap(KeysetHandle keyset, byte[] associatedData)
      throws GeneralSecurityException, IOException {
    return Json.MAPPER.readTree(master.encryptKeyset(keyset, associatedData));
  }

  private Opened open(Kind kind, LocalDate day, Path file, byte[] content) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(content);
    } catch (IOException e) {
      throw new KeyStoreException(file + " is not a Waypost key file (not JSON)");
    }
    if (root == null
        || root.path("version").asInt() != FORMAT_VERSION
        || !root.path("prf").isObject()
        || (kind != Kind.VISITORS && !root.path("aead").isObject())) {
      throw new KeyStoreException(file + " is not a Waypost key file of format " + FORMAT_VERSION);
    }
    byte[] associatedData = kind.associatedData(day);
    try {
      Aead aead =
          kind != Kind.VISITORS ? Tink.aead(unwrap(root.get("aead"), associatedData)) : null;
      PrfSet prf = Tink.prfSet(unwrap(root.get("prf"), associatedData));
      return new Opened(aead, prf);
    } catch (GeneralSecurityException e) {
      throw new KeyStoreException(
          "cannot open "
              + file
              + ": it was written under another master key, altered, or renamed from another day"
              + " (check privacy.masterKeyFile / WAYPOST_PRIVACY_MASTERKEY)");
    }
  }

  private KeysetHandle unwrap(JsonNode encrypted, byte[] associatedData)
      throws GeneralSecurityException {
    return master.decryptKeyset(encrypted.toString(), associatedData);
  }

  private List<LocalDate> destroy(Kind kind, LocalDate cutoff, Cache<LocalDate, ?> cache) {
    Objects.requireNonNull(cutoff, "cutoff");
    TreeSet<LocalDate> days = new TreeSet<>();
    List<Path> temps = new ArrayList<>();
    for (Entry e : scan()) {
      if (e.kind() == kind && e.keyset() && e.day().isBefore(cutoff)) {
        if (e.temp()) {
          temps.add(e.path()); // a crash can leave a twin of a linked keyset behind
        } else {
          days.add(e.day());
        }
      }
    }
    for (LocalDate day : days) {
      destroyOne(kind, day, cache);
    }
    temps.forEach(KeyFiles::shred);
    return List.copyOf(days);
  }

  /** Tombstones, forgets and shreds one keyset, then reports it to the ledger. */
  private void destroyOne(Kind kind, LocalDate day, Cache<LocalDate, ?> cache) {
    Path file = keyset(kind, day);
    byte[] content = KeyFiles.readKeyFileIfExists(file);
    String destroyedAt = clock.instant() + "\n";
    KeyFiles.createKeyFile(tombstone(kind, day), destroyedAt.getBytes(StandardCharsets.UTF_8));
    cache.invalidate(day);
    KeyFiles.shred(file);
    ledger.destroyed(kind.prefix, day, content == null ? "" : KeyLedger.fingerprint(content));
  }

  /**
   * A key file of the folder as the ledger knows it: kind ("day", "visitors" or "mail") and day.
   */
  public record Held(String kind, LocalDate day, String fingerprint, boolean destroyed) {}

  /**
   * Every keyset and tombstone in the folder: a keyset with its fingerprint, a tombstone (with or
   * without a keyset left beside it by a crash) as destroyed with an empty fingerprint.
   */
  public List<Held> held() {
    List<Held> held = new ArrayList<>();
    for (Entry e : scan()) {
      if (e.temp()) {
        continue;
      }
      if (!e.keyset()) {
        held.add(new Held(e.kind().prefix, e.day(), "", true));
      } else if (!Files.exists(tombstone(e.kind(), e.day()))) {
        byte[] content = KeyFiles.readKeyFileIfExists(e.path());
        if (content != null) {
          held.add(new Held(e.kind().prefix, e.day(), KeyLedger.fingerprint(content), false));
        }
      }
    }
    return held;
  }

  /**
   * Destroys one day's keyset of {@code kind} ("day", "visitors" or "mail") now, if it is still
   * here: for a node that learns from the ledger that another node destroyed it.
   *
   * @return whether there was a keyset to destroy
   */
  public boolean destroy(String kind, LocalDate day) {
    Kind k =
        switch (kind) {
          case "day" -> Kind.DAY;
          case "mail" -> Kind.MAIL;
          default -> Kind.VISITORS;
        };
    if (!alive(k, day)) {
      return false;
    }
    destroyOne(
        k,
        day,
        switch (k) {
          case DAY -> dayCache;
          case MAIL -> mailCache;
          case VISITORS -> visitorCache;
        });
    return true;
  }

  /** The key folder. */
  public Path folder() {
    return dir;
  }

  private List<Entry> scan() {
    try (Stream<Path> files = Files.list(dir)) {
      List<Entry> entries = new ArrayList<>();
      files.forEach(
          path -> {
            Matcher m = FILE_NAME.matcher(path.getFileName().toString());
            if (m.matches() && (m.group(1) != null) == (m.group(5) != null)) {
              try {
                entries.add(
                    new Entry(
                        switch (m.group(2)) {
                          case "day" -> Kind.DAY;
                          case "mail" -> Kind.MAIL;
                          default -> Kind.VISITORS;
                        },
                        LocalDate.parse(m.group(3)),
                        m.group(4).equals("json"),
                        m.group(5) != null,
                        path));
              } catch (DateTimeParseException e) {
                // not one of ours (e.g. day-2026-13-45.json)
              }
            }
          });
      return entries;
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException | UncheckedIOException e) {
      throw new KeyStoreException("cannot list the key folder " + dir + ": " + e.getMessage(), e);
    }
  }

  private boolean alive(Kind kind, LocalDate day) {
    return Files.exists(keyset(kind, day)) && !Files.exists(tombstone(kind, day));
  }

  private Path keyset(Kind kind, LocalDate day) {
    return dir.resolve(kind.keysetName(day));
  }

  private Path tombstone(Kind kind, LocalDate day) {
    return dir.resolve(kind.tombstoneName(day));
  }

  @Override
  public String toString() {
    return "KeyStore[" + dir + "]";
  }

  /**
   * The first day whose security log is still kept on {@code today} under a retention of {@code
   * days} days: a day D is gone once D + days &lt;= today. The one statement of that rule, for
   * every feature that has to tell a retained day from a destroyed one.
   */
  public static LocalDate keptFrom(LocalDate today, int days) {
    return today.minusDays(days - 1L);
  }

  /**
   * The day on which the security log of {@code day} is destroyed under a retention of {@code days}
   * days: the first {@code today} whose {@link #keptFrom(LocalDate, int)} is after {@code day}.
   */
  public static LocalDate destroyedOn(LocalDate day, int days) {
    return day.plusDays(days);
  }
}
