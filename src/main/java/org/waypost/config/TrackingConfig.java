package org.waypost.config;

import static org.waypost.config.ConfigException.require;

import java.util.LinkedHashMap;
import java.util.Map;
import org.waypost.catalog.Service;

/**
 * Tracking behaviour an operator may tune.
 *
 * @param serviceStandards business days from acceptance to delivery, per service
 * @param shipmentRetentionDays how long a delivered shipment stays trackable
 * @param cacheSeconds how long a lookup result may be served from memory; local changes are seen at
 *     once, changes made through another node within this many seconds
 */
public record TrackingConfig(
    Map<Service, Integer> serviceStandards, int shipmentRetentionDays, int cacheSeconds) {

  public TrackingConfig {
    require(serviceStandards != null, "tracking.serviceStandards must be given");
    Map<Service, Integer> complete = new LinkedHashMap<>(defaultStandards());
    for (var entry : serviceStandards.entrySet()) {
      require(entry.getKey() != null, "tracking.serviceStandards has an unknown service");
      Integer days = entry.getValue();
      require(
          days != null && days >= 1 && days <= 60,
          "tracking.serviceStandards." + entry.getKey() + " must be between 1 and 60 days");
      complete.put(entry.getKey(), days);
    }
    serviceStandards = Map.copyOf(complete);
    require(
        shipmentRetentionDays >= 1 && shipmentRetentionDays <= 3650,
        "tracking.shipmentRetentionDays must be between 1 and 3650, was " + shipmentRetentionDays);
    require(
        cacheSeconds >= 0 && cacheSeconds <= 3600,
        "tracking.cacheSeconds must be between 0 and 3600, was " + cacheSeconds);
  }

  static TrackingConfig defaults() {
    return new TrackingConfig(defaultStandards(), 120, 10);
  }

  private static Map<Service, Integer> defaultStandards() {
    Map<Service, Integer> standards = new LinkedHashMap<>();
    for (Service service : Service.values()) {
      standards.put(service, service.defaultStandardDays());
    }
    return standards;
  }

  public int standardDays(Service service) {
    return serviceStandards.get(service);
  }
}
