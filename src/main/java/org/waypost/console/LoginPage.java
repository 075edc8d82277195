package org.waypost.console;

/**
 * The login form. {@code csrfToken} is the pre-session token, also set in a cookie, that the form
 * sends back; {@code name} is what was typed before a failed attempt.
 */
public record LoginPage(ConsolePage console, String csrfToken, String name, String error) {
  public String describedBy() {
    return error == null ? null : "login-error";
  }
}
