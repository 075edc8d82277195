package org.waypost.config;

import static org.waypost.config.ConfigException.require;

/** Everything Waypost is configured with, validated section by section when built. */
public record WaypostConfig(
    ServerConfig server,
    DatabaseConfig database,
    OperatorConfig operator,
    PrivacyConfig privacy,
    TrackingConfig tracking,
    AbuseConfig abuse,
    LoggingConfig logging,
    SiteConfig site,
    GovernanceConfig governance,
    NotificationsConfig notifications) {

  public WaypostConfig {
    require(server != null, "server section is missing");
    require(database != null, "database section is missing");
    require(operator != null, "operator section is missing");
    require(privacy != null, "privacy section is missing");
    require(tracking != null, "tracking section is missing");
    require(abuse != null, "abuse section is missing");
    require(logging != null, "logging section is missing");
    require(site != null, "site section is missing");
    require(governance != null, "governance section is missing");
    require(notifications != null, "notifications section is missing");
  }

  public static WaypostConfig defaults() {
    return new WaypostConfig(
        ServerConfig.defaults(),
        DatabaseConfig.defaults(),
        OperatorConfig.defaults(),
        PrivacyConfig.defaults(),
        TrackingConfig.defaults(),
        AbuseConfig.defaults(),
        LoggingConfig.defaults(),
        SiteConfig.defaults(),
        GovernanceConfig.defaults(),
        NotificationsConfig.defaults());
  }
}
