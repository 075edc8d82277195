package org.waypost.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.waypost.governance.Role;
import org.waypost.web.Pages.Site;

/**
 * What every console page's frame shows: who is logged in, the sections their roles open, and the
 * CSRF token that each of the page's forms carries. Null {@code operatorName} means nobody is
 * logged in (the login page, or an error before login).
 */
public record ConsolePage(Site site, String operatorName, Set<Role> roles, String csrfToken) {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  public ConsolePage {
    roles = roles == null ? Set.of() : Set.copyOf(roles);
  }

  /** The frame of a page seen before logging in. */
  public static ConsolePage anonymous(Site site) {
    return new ConsolePage(site, null, Set.of(), null);
  }

  public boolean loggedIn() {
    return operatorName != null;
  }

  public boolean admin() {
    return roles.contains(Role.ADMIN);
  }

  public boolean security() {
    return roles.contains(Role.SECURITY);
  }

  public boolean legal() {
    return roles.contains(Role.LEGAL);
  }

  public boolean privacy() {
    return roles.contains(Role.PRIVACY);
  }

  /** The roles as people read them: {@code legal, privacy}. */
  public String roleList() {
    return roles.stream().sorted().map(Role::label).collect(Collectors.joining(", "));
  }

  /** An instant as the console shows it, always in UTC so that operators agree on times. */
  public static String time(Instant instant) {
    return instant == null ? "" : TIME.format(instant);
  }

  /** The machine-readable form for a {@code <time datetime>} attribute. */
  public static String iso(Instant instant) {
    return instant == null ? "" : instant.toString();
  }
}
