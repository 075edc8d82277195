package org.waypost.config;

import static org.waypost.config.ConfigException.require;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The JDBC database: SQLite ({@code jdbc:sqlite:FILE}) or PostgreSQL; and optionally a PostgreSQL
 * read replica ({@code replicaUrl}, same user and password) for lookups, analytics and the
 * transparency report.
 */
public record DatabaseConfig(
    String url, String user, String password, int maxPoolSize, String replicaUrl) {

  public DatabaseConfig {
    require(
        url != null && (url.startsWith("jdbc:sqlite:") || url.startsWith("jdbc:postgresql:")),
        "database.url must start with jdbc:sqlite: or jdbc:postgresql:, was '" + url + "'");
    require(
        !url.equals("jdbc:sqlite:") && !url.contains(":memory:"),
        "database.url must name a SQLite file, not an in-memory database");
    user = user == null ? "" : user;
    password = password == null ? "" : password;
    require(
        maxPoolSize >= 1 && maxPoolSize <= 200,
        "database.maxPoolSize must be between 1 and 200, was " + maxPoolSize);
    replicaUrl = replicaUrl == null ? "" : replicaUrl.strip();
    require(
        replicaUrl.isEmpty() || replicaUrl.startsWith("jdbc:postgresql:"),
        "database.replicaUrl must be empty or start with jdbc:postgresql:, was '"
            + replicaUrl
            + "'");
    require(
        replicaUrl.isEmpty() || url.startsWith("jdbc:postgresql:"),
        "database.replicaUrl needs a PostgreSQL database.url: SQLite has no replicas");
  }

  /** Without a read replica. */
  public DatabaseConfig(String url, String user, String password, int maxPoolSize) {
    this(url, user, password, maxPoolSize, "");
  }

  static DatabaseConfig defaults() {
    return new DatabaseConfig("jdbc:sqlite:./data/waypost.db", "", "", 10, "");
  }

  @JsonIgnore
  public boolean isSqlite() {
    return url.startsWith("jdbc:sqlite:");
  }

  @JsonIgnore
  public boolean hasReplica() {
    return !replicaUrl.isEmpty();
  }

  @Override
  public String toString() {
    return "DatabaseConfig[url="
        + url
        + ", user="
        + user
        + ", password=***, replicaUrl="
        + replicaUrl
        + "]";
  }
}
