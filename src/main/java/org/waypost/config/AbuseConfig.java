package org.waypost.config;

import static org.waypost.config.ConfigException.require;

/**
 * Abuse defence limits. The defaults are far above what a person does (someone checking their
 * parcels looks up a handful of numbers) and well below what a scraper or a number guesser needs.
 * See docs/abuse.md for why each default is what it is.
 *
 * @param clientNumbersPerMinute numbers one client may look up per minute (a request for k numbers
 *     costs k)
 * @param prefixNumbersPerMinute the same for a whole /24 (IPv4) or /48 (IPv6) network
 * @param shipperRequestsPerMinute requests per minute per shipper API key
 * @param failures unknown-or-invalid numbers in the window that, at {@code failureRate} or more,
 *     block a client
 * @param prefixFailures the same for a network prefix
 * @param authFailures failed credential checks from one client in the window that lock it out
 * @param authNetworkFailures the same for a whole /24 (IPv4) or /64 (IPv6) network; at least {@code
 *     authFailures}, so that a client is locked out before its network
 * @param authAccountFailures failed console logins to one account name, from anywhere, in the
 *     window that pause logins to it for {@code authAccountLockoutMinutes}; more than {@code
 *     authFailures}, so that one address alone can never lock someone else's account
 * @param authAccountLockoutMinutes how long an account's logins are paused: short, because anyone
 *     can cause it (docs/abuse.md)
 * @param maxTrackedClients the most clients (and, separately, prefixes) whose counters are held in
 *     memory; the least recently seen are dropped first
 * @param redisUrl {@code redis://host:port} (or {@code rediss://}) of the Redis that nodes share
 *     for lookup counters, blocks and the hourly pseudonym key; empty for one node
 *     (docs/scaling.md)
 */
public record AbuseConfig(
    int clientNumbersPerMinute,
    int clientNumbersPerDay,
    int prefixNumbersPerMinute,
    int prefixNumbersPerDay,
    int shipperRequestsPerMinute,
    int windowMinutes,
    int failures,
    int prefixFailures,
    double failureRate,
    int blockMinutes,
    int maxBlockDays,
    int authFailures,
    int authLockoutMinutes,
    int authNetworkFailures,
    int authAccountFailures,
    int authAccountLockoutMinutes,
    int maxTrackedClients,
    String redisUrl) {

  public AbuseConfig {
    redisUrl = redisUrl == null ? "" : redisUrl.strip();
    require(
        redisUrl.isEmpty() || redisUrl.startsWith("redis://") || redisUrl.startsWith("rediss://"),
        "abuse.redisUrl must be empty or start with redis:// or rediss://, was '" + redisUrl + "'");
    positive("clientNumbersPerMinute", clientNumbersPerMinute);
    positive("clientNumbersPerDay", clientNumbersPerDay);
    positive("prefixNumbersPerMinute", prefixNumbersPerMinute);
    positive("prefixNumbersPerDay", prefixNumbersPerDay);
    positive("shipperRequestsPerMinute", shipperRequestsPerMinute);
    require(
        windowMinutes >= 1 && windowMinutes <= 60,
        "abuse.windowMinutes must be between 1 and 60, was " + windowMinutes);
    positive("failures", failures);
    positive("prefixFailures", prefixFailures);
    require(
        failureRate > 0 && failureRate <= 1,
        "abuse.failureRate must be above 0 and at most 1, was " + failureRate);
    positive("blockMinutes", blockMinutes);
    require(
        maxBlockDays >= 1 && maxBlockDays <= 30,
        "abuse.maxBlockDays must be between 1 and 30, was " + maxBlockDays);
    positive("authFailures", authFailures);
    positive("authLockoutMinutes", authLockoutMinutes);
    positive("authNetworkFailures", authNetworkFailures);
    positive("authAccountFailures", authAccountFailures);
    require(
        authAccountLockoutMinutes >= 1 && authAccountLockoutMinutes <= 60,
        "abuse.authAccountLockoutMinutes must be between 1 and 60, was "
            + authAccountLockoutMinutes);
    require(
        authNetworkFailures >= authFailures,
        "abuse.authNetworkFailures ("
            + authNetworkFailures
            + ") must be at least abuse.authFailures ("
            + authFailures
            + "), so that a client is locked out before its whole network");
    require(
        authAccountFailures > authFailures,
        "abuse.authAccountFailures ("
            + authAccountFailures
            + ") must be more than abuse.authFailures ("
            + authFailures
            + "), so that one address alone cannot lock an account");
    require(
        maxTrackedClients >= 1000 && maxTrackedClients <= 50_000_000,
        "abuse.maxTrackedClients must be between 1000 and 50000000, was " + maxTrackedClients);
    atLeastOneLookup("clientNumbersPerMinute", clientNumbersPerMinute);
    atLeastOneLookup("clientNumbersPerDay", clientNumbersPerDay);
    atLeastOneLookup("prefixNumbersPerMinute", prefixNumbersPerMinute);
    atLeastOneLookup("prefixNumbersPerDay", prefixNumbersPerDay);
  }

  /** The record's fields, with any password in {@code redisUrl} masked: configs get logged. */
  @Override
  public String toString() {
    return "AbuseConfig[clientNumbersPerMinute="
        + clientNumbersPerMinute
        + ", failures="
        + failures
        + ", windowMinutes="
        + windowMinutes
        + ", redisUrl="
        + redisUrl.replaceAll("//[^@/]*@", "//***@")
        + ", ...]";
  }

  /** A first request is always admitted, so every limit must fit one full lookup of 35. */
  private static void atLeastOneLookup(String key, int value) {
    require(value >= 35, "abuse." + key + " must be at least 35, so one full lookup fits");
  }

  private static void positive(String key, long value) {
    require(
        value >= 1 && value <= 10_000_000,
        "abuse." + key + " must be between 1 and 10000000, was " + value);
  }

  static AbuseConfig defaults() {
    return new AbuseConfig(
        60, 1000, 300, 5000, 1200, 10, 20, 100, 0.5, 60, 7, 10, 15, 30, 20, 5, 1_000_000, "");
  }
}
