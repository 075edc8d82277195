package org.waypost.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Abuse incidents for the security role, by pseudonym, each with its state and what may be done
 * about it: reveal its address, lift its block, allow its network for a while, mark it a false
 * positive.
 *
 * @param notice what the last action did, for the status line; null for none
 * @param error why the last form was refused; null for none
 * @param allowHours the allowance lengths offered, in hours
 */
public record IncidentsPage(
    ConsolePage console,
    List<Incident> incidents,
    String notice,
    String error,
    List<Integer> allowHours) {
  public IncidentsPage {
    incidents = List.copyOf(incidents);
    allowHours = List.copyOf(allowHours);
  }

  /** "1 hour", "3 days". */
  public static String hours(int hours) {
    if (hours % 24 == 0) {
      int days = hours / 24;
      return days == 1 ? "1 day" : days + " days";
    }
    return hours == 1 ? "1 hour" : hours + " hours";
  }

  /** The allowance offered first: a day, or the longest when a day is too long. */
  public boolean preselected(int hours) {
    return hours == (allowHours.contains(24) ? 24 : allowHours.getLast());
  }

  /** An operator's action as listed: who did what when, and why. */
  public record Action(String action, String by, Instant at, String reason, Instant allowedUntil) {
    /** "Unblocked", "Network allowed", "False positive". */
    public String what() {
      return switch (action) {
        case "UNBLOCKED" -> "Unblocked";
        case "ALLOWED" -> "Network allowed";
        case "FALSE_POSITIVE" -> "Marked a false positive";
        default -> action;
      };
    }
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
      boolean blockActive,
      Instant networkAllowedUntil,
      boolean falsePositive,
      boolean revealable,
      List<Action> actions) {

    public Incident {
      actions = List.copyOf(actions);
    }

    /** "client" or "network", as the scope reads. */
    public String scopeName() {
      return "CLIENT".equals(scope) ? "client" : "network";
    }

    /** Whether the block ran out by itself, unlifted. */
    public boolean blockEnded() {
      return !blockActive && actions.stream().noneMatch(a -> !"ALLOWED".equals(a.action()));
    }

    static Incident of(Map<String, Object> row) {
      List<Action> actions = new ArrayList<>();
      Object listed = row.get("actions");
      if (listed instanceof List<?> entries) {
        for (Object entry : entries) {
          Map<?, ?> action = (Map<?, ?>) entry;
          actions.add(
              new Action(
                  String.valueOf(action.get("action")),
                  String.valueOf(action.get("by")),
                  instant(action.get("at")),
                  String.valueOf(action.get("reason")),
                  instant(action.get("allowedUntil"))));
        }
      }
      return new Incident(
          ((Number) row.get("id")).longValue(),
          text(row, "day"),
          text(row, "rule"),
          text(row, "scope"),
          text(row, "client"),
          text(row, "network"),
          text(row, "distinctNumbers"),
          text(row, "unknownOrInvalid"),
          instant(row.get("firstSeen")),
          instant(row.get("lastSeen")),
          text(row, "action"),
          instant(row.get("blockedUntil")),
          Boolean.TRUE.equals(row.get("blockActive")),
          instant(row.get("networkAllowedUntil")),
          Boolean.TRUE.equals(row.get("falsePositive")),
          Boolean.TRUE.equals(row.get("revealable")),
          actions);
    }

    private static Instant instant(Object value) {
      return value == null ? null : Instant.parse(value.toString());
    }

    private static String text(Map<String, Object> row, String key) {
      Object value = row.get(key);
      return value == null ? "" : value.toString();
    }
  }
}
