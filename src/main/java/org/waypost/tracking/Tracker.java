package org.waypost.tracking;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.waypost.config.TrackingConfig;
import org.waypost.db.Database;
import org.waypost.json.Json;

/**
 * Answers lookups, from memory when it can. Each answer is kept with its JSON already written, so a
 * repeated lookup costs a map read. Changes made through this node drop the affected entries at
 * once; entries expire after {@code tracking.cacheSeconds} so that changes made through another
 * node are seen within that time. Unknown numbers are remembered too (bounded, like everything else
 * here), so a stream of guesses does not become a stream of queries.
 *
 * <p>The cache's hits, misses, loads and evictions are metrics ({@code cache_gets_total{cache=
 * "lookups",result=...}} and the rest of Micrometer's {@link CaffeineCacheMetrics}). Caffeine
 * counts them in striped {@code LongAdder}s, a few nanoseconds per lookup (bench/README.md).
 *
 * <p>With a read replica ({@code database.replicaUrl}) answers are loaded from the replica, which
 * may lag the primary by a moment. A client that registered a piece or sent scans through this node
 * and looks it up at once must see its own write, so every number this node changed ({@link
 * #forget}) is loaded from the primary for {@link Database#OWN_WRITES_WINDOW} afterwards; after
 * that the replica has caught up (streaming replication lags by milliseconds; a replica further
 * behind should be taken out of service). Writes through another node are seen after {@code
 * tracking.cacheSeconds} plus the replica's lag, as they were seen after the cache time alone.
 */
public final class Tracker {
  /**
   * The {@code statusText} of a result in another language, for the API's {@code Accept-Language}.
   * Each wording has its own slot, below {@link #SLOTS}, where an answer keeps its JSON in that
   * wording once made.
   */
  public interface StatusWording {
    int SLOTS = 8;

    int slot();

    String statusText(TrackingResult result);
  }

  /**
   * A lookup answer with its public JSON. The JSON in another wording is made the first time it is
   * asked for and then kept with the answer, so that the English lookup, the common one, does no
   * more work than before and the others only once per cached answer.
   */
  public static final class Lookup {
    private final TrackingResult result;
    private final byte[] json;
    private volatile byte[][] worded;

    public Lookup(TrackingResult result, byte[] json) {
      this.result = result;
      this.json = json;
    }

    public TrackingResult result() {
      return result;
    }

    /** The public JSON, as the contract shows it (English). */
    public byte[] json() {
      return json;
    }

    /** The public JSON with its {@code statusText} in {@code wording}. */
    public byte[] json(StatusWording wording) {
      byte[][] kept = worded;
      if (kept == null) {
        kept = new byte[StatusWording.SLOTS][];
        worded = kept;
      }
      byte[] bytes = kept[wording.slot()];
      if (bytes == null) {
        // two threads may both make it: the same bytes, and either copy is fine to keep
        bytes = Json.bytes(result.withStatusText(wording.statusText(result)));
        kept[wording.slot()] = bytes;
      }
      return bytes;
    }
  }

  private static final int CACHE_ENTRIES = 200_000;

  private final Database database;
  private final Database reads;
  private final TrackingStore store;
  private final TrackingConfig config;
  private final Cache<String, Optional<Lookup>> cache;

  /** Numbers this node changed lately, whose answers are loaded from the primary meanwhile. */
  private final Cache<String, Boolean> ownWrites;

  public Tracker(
      Database database, TrackingStore store, TrackingConfig config, MeterRegistry meters) {
    this(database, database, store, config, meters);
  }

  /** Loads answers from {@code reads} (a replica, or the primary itself), see the class comment. */
  public Tracker(
      Database database,
      Database reads,
      TrackingStore store,
      TrackingConfig config,
      MeterRegistry meters) {
    this.database = database;
    this.reads = reads;
    this.store = store;
    this.config = config;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(config.cacheSeconds() == 0 ? 0 : CACHE_ENTRIES)
            .expireAfterWrite(Duration.ofSeconds(config.cacheSeconds()))
            .recordStats()
            .build();
    CaffeineCacheMetrics.monitor(meters, cache, "lookups");
    this.ownWrites =
        Caffeine.newBuilder()
            .maximumSize(reads == database ? 0 : CACHE_ENTRIES)
            .expireAfterWrite(Database.OWN_WRITES_WINDOW)
            .build();
  }

  public Optional<Lookup> lookup(TrackingNumber number) {
    return cache.get(number.value(), this::load);
  }

  /**
   * The answer this node remembers for {@code number}, if any: nothing is loaded, and the cache's
   * hit and miss counts (which describe visitors' lookups) are left alone.
   */
  public Optional<Lookup> remembered(TrackingNumber number) {
    Optional<Lookup> kept = cache.asMap().get(number.value());
    return kept == null ? Optional.empty() : kept;
  }

  /**
   * The piece's result read from the database now, past the cache: for a webhook written right
   * after a scan's commit, which must show that scan even before this node forgets its cached
   * answer (and on a node whose cache never hears of it). From the primary: a replica may not have
   * the scan yet.
   */
  public Optional<Lookup> fresh(TrackingNumber number) {
    return load(database, number.value());
  }

  private Optional<Lookup> load(String number) {
    return load(ownWrites.getIfPresent(number) == null ? reads : database, number);
  }

  private Optional<Lookup> load(Database from, String number) {
    return from.read(
        c -> resultIn(c, number).map(result -> new Lookup(result, Json.bytes(result))));
  }

  /**
   * The number's result as {@code c} sees it: inside a scan's transaction (a {@link ScanHook}),
   * with that transaction's new scans. Past the cache.
   */
  public Optional<TrackingResult> resultIn(Connection c, String number) throws SQLException {
    Optional<Shipment> shipment = store.findLatest(c, number);
    if (shipment.isEmpty()) {
      return Optional.empty();
    }
    List<StoredEvent> history = store.historyNewestFirst(c, shipment.get().id());
    return Optional.of(
        TrackingResult.of(shipment.get(), history, config.standardDays(shipment.get().service())));
  }

  /** Drops remembered answers for numbers whose pieces just changed. */
  public void forget(Collection<String> numbers) {
    if (reads != database) {
      for (String number : numbers) {
        ownWrites.put(number, Boolean.TRUE);
      }
    }
    cache.invalidateAll(numbers);
  }
}
