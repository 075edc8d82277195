package org.waypost.config;

import static org.waypost.config.ConfigException.require;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import org.waypost.net.Cidr;

/**
 * Where the server listens and which peers may tell it the client's address.
 *
 * @param trustedProxies CIDRs whose {@code X-Forwarded-For}/{@code Forwarded} headers are believed;
 *     everyone else's are ignored
 * @param maxRequestBytes the largest request body accepted (event batches are the big ones)
 * @param maxEventsPerRequest the most scan events one request may carry
 * @param accessLog whether to write one log line per request (clients appear as hourly pseudonyms,
 *     never as addresses)
 * @param forwardedHeader which header trusted proxies write: {@code X-Forwarded-For} or {@code
 *     Forwarded}. Only that one is read: many proxies pass the other through untouched, so a client
 *     could set it to any address.
 * @param managementPort where {@code /metrics} and {@code /health/*} answer, on the same host; 0
 *     (the default) serves them on {@code port} with everything else
 * @param drainSeconds how long a stopping server (SIGTERM) lets requests in flight finish, its
 *     readiness already failing; 0 stops at once
 */
public record ServerConfig(
    String host,
    int port,
    List<String> trustedProxies,
    long maxRequestBytes,
    int maxEventsPerRequest,
    boolean accessLog,
    String forwardedHeader,
    int managementPort,
    int drainSeconds) {

  public ServerConfig {
    require(host != null && !host.isBlank(), "server.host must not be empty");
    require(port >= 0 && port <= 65535, "server.port must be between 0 and 65535, was " + port);
    trustedProxies = List.copyOf(trustedProxies == null ? List.of() : trustedProxies);
    for (String cidr : trustedProxies) {
      try {
        Cidr.parse(cidr);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("server.trustedProxies: " + e.getMessage());
      }
    }
    require(
        maxRequestBytes >= 1024 && maxRequestBytes <= 256L * 1024 * 1024,
        "server.maxRequestBytes must be between 1024 and 268435456, was " + maxRequestBytes);
    require(
        maxEventsPerRequest >= 1 && maxEventsPerRequest <= 100_000,
        "server.maxEventsPerRequest must be between 1 and 100000, was " + maxEventsPerRequest);
    require(
        "X-Forwarded-For".equalsIgnoreCase(forwardedHeader)
            || "Forwarded".equalsIgnoreCase(forwardedHeader),
        "server.forwardedHeader must be X-Forwarded-For or Forwarded, was '"
            + forwardedHeader
            + "'");
    require(
        managementPort >= 0 && managementPort <= 65535,
        "server.managementPort must be between 0 and 65535, was " + managementPort);
    require(
        managementPort == 0 || managementPort != port,
        "server.managementPort must differ from server.port ("
            + port
            + "); 0 serves /metrics and /health on server.port");
    require(
        drainSeconds >= 0 && drainSeconds <= 300,
        "server.drainSeconds must be between 0 and 300, was " + drainSeconds);
  }

  /** Whether {@code /metrics} and {@code /health/*} have a port of their own. */
  @JsonIgnore
  public boolean hasManagementPort() {
    return managementPort != 0;
  }

  /**
   * Whether trusted proxies speak RFC 7239 {@code Forwarded} rather than {@code X-Forwarded-For}.
   */
  public boolean usesForwarded() {
    return "Forwarded".equalsIgnoreCase(forwardedHeader);
  }

  static ServerConfig defaults() {
    return new ServerConfig(
        "127.0.0.1", 8080, List.of(), 16L * 1024 * 1024, 10_000, true, "X-Forwarded-For", 0, 10);
  }

  @JsonIgnore
  public List<Cidr> trustedProxyRanges() {
    return trustedProxies.stream().map(Cidr::parse).toList();
  }
}
