package org.waypost.csv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * CSV as RFC 4180 writes it, the one writer for every export (analytics, the audit log, a legal
 * disclosure): fields separated by commas, lines ended by CRLF, a field quoted (and its quotes
 * doubled) when it holds a comma, a quote or a line break. The same rows always give the same
 * bytes, so that the SHA-256 of an export identifies it.
 *
 * <p>A spreadsheet runs a cell that starts with {@code = + - @}, a tab or a carriage return as a
 * formula, and some of what is exported came from outside (a browser's name, a referrer, an audit
 * target). Such a field gets a leading apostrophe, as OWASP advises against CSV injection, unless
 * it is a plain signed number or percentage ({@code -5}, {@code +12%}), which no spreadsheet runs.
 */
public final class Csv {
  private static final Pattern SIGNED_NUMBER = Pattern.compile("[+-][0-9]+(\\.[0-9]+)?%?");

  private final StringBuilder text = new StringBuilder();

  /** Appends one line. */
  public Csv row(List<String> fields) {
    text.append(line(fields));
    return this;
  }

  public Csv row(String... fields) {
    return row(Arrays.asList(fields));
  }

  /** What was written so far. */
  public String text() {
    return text.toString();
  }

  /** What was written so far, in UTF-8. */
  public byte[] bytes() {
    return text().getBytes(StandardCharsets.UTF_8);
  }

  /** One line, CRLF included; a null field is written empty. */
  public static String line(List<String> fields) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        line.append(',');
      }
      line.append(field(fields.get(i)));
    }
    return line.append("\r\n").toString();
  }

  static String field(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    String safe = runsAsFormula(value) ? "'" + value : value;
    if (safe.indexOf(',') < 0
        && safe.indexOf('"') < 0
        && safe.indexOf('\n') < 0
        && safe.indexOf('\r') < 0) {
      return safe;
    }
    return '"' + safe.replace("\"", "\"\"") + '"';
  }

  private static boolean runsAsFormula(String value) {
    char first = value.charAt(0);
    return switch (first) {
      case '=', '@', '\t', '\r' -> true;
      case '+', '-' -> !SIGNED_NUMBER.matcher(value).matches();
      default -> false;
    };
  }
}
