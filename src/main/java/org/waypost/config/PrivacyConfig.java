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
 */
public record PrivacyConfig(
    int securityLogRetentionDays,
    String keyDir,
    String masterKeyFile,
    String masterKey,
    boolean honorGpc,
    int analyticsMinCount,
    String geoipDatabase) {

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
  }

  static PrivacyConfig defaults() {
    return new PrivacyConfig(7, "./data/keys", "./data/master.key", "", true, 5, "");
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
        + "]";
  }
}
