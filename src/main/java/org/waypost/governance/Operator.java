package org.waypost.governance;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** A named operator account and the roles it holds. */
public record Operator(long id, String name, Set<Role> roles) {
  public Operator {
    Objects.requireNonNull(name, "name");
    roles =
        Collections.unmodifiableSet(
            roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles));
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }
}
