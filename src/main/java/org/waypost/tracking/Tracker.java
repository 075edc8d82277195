package org.waypost.tracking;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
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
 */
public final class Tracker {
  /** A lookup answer with its public JSON. */
  public record Lookup(TrackingResult result, byte[] json) {}

  private static final int CACHE_ENTRIES = 200_000;

  private final Database database;
  private final TrackingStore store;
  private final TrackingConfig config;
  private final Cache<String, Optional<Lookup>> cache;

  public Tracker(
      Database database, TrackingStore store, TrackingConfig config, MeterRegistry meters) {
    this.database = database;
    this.store = store;
    this.config = config;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(config.cacheSeconds() == 0 ? 0 : CACHE_ENTRIES)
            .expireAfterWrite(Duration.ofSeconds(config.cacheSeconds()))
            .recordStats()
            .build();
    CaffeineCacheMetrics.monitor(meters, cache, "lookups");
  }

  public Optional<Lookup> lookup(TrackingNumber number) {
    return cache.get(number.value(), this::load);
  }

  private Optional<Lookup> load(String number) {
    return database.read(
        c -> {
          Optional<Shipment> shipment = store.findLatest(c, number);
          if (shipment.isEmpty()) {
            return Optional.empty();
          }
          List<StoredEvent> history = store.historyNewestFirst(c, shipment.get().id());
          TrackingResult result =
              TrackingResult.of(
                  shipment.get(), history, config.standardDays(shipment.get().service()));
          return Optional.of(new Lookup(result, Json.bytes(result)));
        });
  }

  /** Drops remembered answers for numbers whose pieces just changed. */
  public void forget(Collection<String> numbers) {
    cache.invalidateAll(numbers);
  }
}
