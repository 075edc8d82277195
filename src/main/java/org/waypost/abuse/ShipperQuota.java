package org.waypost.abuse;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.waypost.config.AbuseConfig;

/**
 * A token bucket per shipper API key ({@code abuse.shipperRequestsPerMinute}), so that one
 * shipper's runaway integration cannot starve the others. Keyed by the key's public id, not the
 * client: a shipper is known, and may send from many addresses. One bucket per key ever used; there
 * are as many as the operator has issued.
 */
public final class ShipperQuota {
  public static final String RULE_SHIPPER_RATE = "shipper-rate";

  private final Buckets buckets;
  private final Bandwidth limit;
  private final Refusals refusals;
  private final ConcurrentMap<String, Bucket> shippers = new ConcurrentHashMap<>();

  public ShipperQuota(AbuseConfig config, Clock clock, MeterRegistry meters) {
    this.buckets = new Buckets(clock);
    this.limit = Buckets.perMinute(config.shipperRequestsPerMinute());
    this.refusals = new Refusals(meters);
  }

  /** Before a shipper API request authenticated with {@code keyId}. */
  public Decision admit(String keyId) {
    Bucket bucket = shippers.computeIfAbsent(keyId, k -> buckets.of(limit));
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed()
        ? Decision.ALLOWED
        : refusals.limited(RULE_SHIPPER_RATE, probe.getNanosToWaitForRefill());
  }
}
