package org.waypost.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Abuse incidents for the security role, by pseudonym, each with a form to reveal its address. */
public record IncidentsPage(ConsolePage console, List<Incident> incidents, String error) {
  public IncidentsPage {
    incidents = List.copyOf(incidents);
  }

  /** One incident as {@code Incidents.list} describes it; no address. */
  public record Incident(
      long id,
      String day,
      String rule,
      String scope,
      String client,
      String network,
      String distinctNumbers,
      String unknownOrInvalid,
      Instant firstSeen,
      Instant lastSeen,
      String action,
      Instant blockedUntil,
      boolean revealable) {

    static Incident of(Map<String, Object> row) {
      return new Incident(
          ((Number) row.get("id")).longValue(),
          text(row, "day"),
          text(row, "rule"),
          text(row, "scope"),
          text(row, "client"),
          text(row, "network"),
          text(row, "distinctNumbers"),
          text(row, "unknownOrInvalid"),
          instant(row, "firstSeen"),
          instant(row, "lastSeen"),
          text(row, "action"),
          instant(row, "blockedUntil"),
          Boolean.TRUE.equals(row.get("revealable")));
    }

    private static Instant instant(Map<String, Object> row, String key) {
      Object value = row.get(key);
      return value == null ? null : Instant.parse(value.toString());
    }

    private static String text(Map<String, Object> row, String key) {
      Object value = row.get(key);
      return value == null ? "" : value.toString();
    }
  }
}
