package org.waypost.config;

import static org.waypost.config.ConfigException.require;

/**
 * How long visitor data lives and where the keys that protect it are kept.
 *
 * <p>The master key file lives outside the key folder by default ({@code ./data/master.key} beside
 * {@code ./data/keys}): the master key must be backed up, the key folder never is.
 *
 * @param masterKey the master key itself, normally given as {@code WAYPOST_PRIVACY_MASTERKEY}
 *     instead of a file; empty when the file is used
 * @param geoipDatabase a MaxMind GeoIP2/GeoLite2 Country file; empty for no country statistics
 * @param aggregateRetentionDays how long hourly and daily traffic counts are kept: long enough to
 *     compare a year with the one before, by default
 * @param incidentRetentionDays how long abuse incidents (pseudonyms, counts, actions) are kept; at
 *     least as long as the security log, whose keys they are revealed with
 */
public record PrivacyConfig(
    int securityLogRetentionDays,
    String keyDir,
    String masterKeyFile,
    String masterKey,
    boolean honorGpc,
    int analyticsMinCount,
    String geoipDatabase,
    int aggregateRetentionDays,
    int incidentRetentionDays) {

  public PrivacyConfig {
    require(
        securityLogRetentionDays >= 1 && securityLogRetentionDays <= 30,
        "privacy.securityLogRetentionDays must be between 1 and 30, was "
            + securityLogRetentionDays);
    require(keyDir != null && !keyDir.isBlank(), "privacy.keyDir must not be empty");
    require(
        masterKeyFile != null && !masterKeyFile.isBlank(),
        "privacy.masterKeyFile must not be empty");
    masterKey = masterKey == null ? "" : masterKey;
    require(
        analyticsMinCount >= 1 && analyticsMinCount <= 1000,
        "privacy.analyticsMinCount must be between 1 and 1000, was " + analyticsMinCount);
    geoipDatabase = geoipDatabase == null ? "" : geoipDatabase.strip();
    require(
        aggregateRetentionDays >= 1 && aggregateRetentionDays <= 3650,
        "privacy.aggregateRetentionDays must be between 1 and 3650, was " + aggregateRetentionDays);
    require(
        incidentRetentionDays >= securityLogRetentionDays && incidentRetentionDays <= 3650,
        "privacy.incidentRetentionDays must be between privacy.securityLogRetentionDays ("
            + securityLogRetentionDays
            + ") and 3650, was "
            + incidentRetentionDays);
  }

  /** The defaults of the two newer keys, for settings built in code. */
  public static final int DEFAULT_AGGREGATE_DAYS = 730;

  public static final int DEFAULT_INCIDENT_DAYS = 90;

  static PrivacyConfig defaults() {
    return new PrivacyConfig(
        7,
        "./data/keys",
        "./data/master.key",
        "",
        true,
        5,
        "",
        DEFAULT_AGGREGATE_DAYS,
        DEFAULT_INCIDENT_DAYS);
  }

  @Override
  public String toString() {
    return "PrivacyConfig[securityLogRetentionDays="
        + securityLogRetentionDays
        + ", keyDir="
        + keyDir
        + ", masterKeyFile="
        + masterKeyFile
        + ", masterKey="
        + (masterKey.isEmpty() ? "" : "***")
        + ", honorGpc="
        + honorGpc
        + ", analyticsMinCount="
        + analyticsMinCount
        + ", geoipDatabase="
        + geoipDatabase
        + ", aggregateRetentionDays="
        + aggregateRetentionDays
        + ", incidentRetentionDays="
        + incidentRetentionDays
        + "]";
  }
}
