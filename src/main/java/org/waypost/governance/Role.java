package org.waypost.governance;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an operator may do. One person may hold several roles; the dual-authorization rule (no one
 * approves their own legal request) is enforced where requests are approved, not here.
 */
public enum Role {
  /** Analytics and the running service. */
  ADMIN,
  /** Abuse incidents, including revealing an incident's IP while its day key exists. */
  SECURITY,
  /** Files and executes legal requests. */
  LEGAL,
  /** Approves or rejects legal requests and reads the audit log. */
  PRIVACY;

  private static final String ALL =
      EnumSet.allOf(Role.class).stream().map(Role::label).collect(Collectors.joining(", "));

  /** The name used on the command line, in the database and in messages, e.g. {@code privacy}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code admin,privacy} (any case, spaces around commas allowed) into a non-empty set.
   *
   * @throws IllegalArgumentException naming the first role that is not one of the four
   */
  public static Set<Role> parse(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      throw new IllegalArgumentException("give at least one role: " + ALL);
    }
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : commaSeparated.split(",", -1)) {
      String label = part.strip();
      if (label.isEmpty()) {
        throw new IllegalArgumentException(
            "empty role in \"" + commaSeparated + "\"; roles are " + ALL);
      }
      roles.add(of(label));
    }
    return Collections.unmodifiableSet(roles);
  }

  private static Role of(String label) {
    for (Role role : values()) {
      if (role.label().equalsIgnoreCase(label)) {
        return role;
      }
    }
    throw new IllegalArgumentException("unknown role \"" + label + "\"; roles are " + ALL);
  }

  /** The stored and printed form of {@code roles}: labels in a fixed order, comma-separated. */
  public static String join(Set<Role> roles) {
    return roles.stream().sorted().map(Role::label).collect(Collectors.joining(","));
  }
}
