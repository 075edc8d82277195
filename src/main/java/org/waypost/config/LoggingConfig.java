package org.waypost.config;

import static org.waypost.config.ConfigException.require;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Locale;

/**
 * How log lines are written.
 *
 * @param format {@code logfmt} (the default): {@code key=value} lines on stderr, for people and
 *     grep; {@code json}: one JSON object per line on stdout, for log collectors (a container's
 *     stdout is what they read)
 */
public record LoggingConfig(String format) {
  public static final String LOGFMT = "logfmt";
  public static final String JSON = "json";

  public LoggingConfig {
    require(format != null, "logging.format must be logfmt or json");
    format = format.trim().toLowerCase(Locale.ROOT);
    require(
        format.equals(LOGFMT) || format.equals(JSON),
        "logging.format must be logfmt or json, was '" + format + "'");
  }

  static LoggingConfig defaults() {
    return new LoggingConfig(LOGFMT);
  }

  @JsonIgnore
  public boolean json() {
    return format.equals(JSON);
  }
}
