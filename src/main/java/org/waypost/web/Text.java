package org.waypost.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.FormatStyle;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The words of one language: every text a public page shows, from {@code
 * src/main/resources/i18n/messages_<code>.properties} (UTF-8, editable without Java; {@code
 * MessageFormat} placeholders such as {0}), and dates and times written the way that language
 * writes them (the JDK's CLDR data). A key missing in one language falls back to English, and a
 * test fails the build when any language lacks a key English has.
 */
public final class Text {
  private static final Map<Language, Text> ALL = new EnumMap<>(Language.class);

  static {
    for (Language language : Language.values()) {
      ALL.put(language, new Text(language, load(language)));
    }
  }

  private final Language language;
  private final Map<String, String> messages;
  private final DateTimeFormatter date;
  private final DateTimeFormatter dateTime;
  private final DateTimeFormatter shortDate;
  private final DateTimeFormatter day;
  private final DateTimeFormatter time;

  private Text(Language language, Map<String, String> messages) {
    Locale locale = language.locale();
    this.language = language;
    this.messages = messages;
    this.date = DateTimeFormatter.ofLocalizedDate(FormatStyle.FULL).withLocale(locale);
    this.shortDate = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale);
    this.day = DateTimeFormatter.ofPattern(messages.get("format.day"), locale);
    // CLDR's medium date and short time, then the offset as that language writes it ("GMT-5")
    this.dateTime =
        DateTimeFormatter.ofPattern(
            DateTimeFormatterBuilder.getLocalizedDateTimePattern(
                    FormatStyle.MEDIUM, FormatStyle.SHORT, IsoChronology.INSTANCE, locale)
                + " O",
            locale);
    this.time =
        DateTimeFormatter.ofPattern(
            DateTimeFormatterBuilder.getLocalizedDateTimePattern(
                    null, FormatStyle.SHORT, IsoChronology.INSTANCE, locale)
                + " O",
            locale);
  }

  public static Text of(Language language) {
    return ALL.get(language);
  }

  /** Every key and text of one language's bundle, as read (for the completeness test). */
  public static Map<String, String> bundle(Language language) {
    return load(language);
  }

  private static Map<String, String> load(Language language) {
    String name = "/i18n/messages_" + language.code() + ".properties";
    try (InputStream in = Text.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the build");
      }
      Properties properties = new Properties();
      try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        properties.load(reader);
      }
      Map<String, String> out = new TreeMap<>();
      properties.forEach((k, v) -> out.put((String) k, (String) v));
      return Map.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Language language() {
    return language;
  }

  /** The text of {@code key}; English when this language lacks it; the key itself if none has. */
  public String get(String key) {
    String text = messages.get(key);
    if (text == null && language != Language.EN) {
      text = ALL.get(Language.EN).messages.get(key);
    }
    return text == null ? key : text;
  }

  /** The text of {@code key} with its {@code {0}}, {@code {1}}… filled in. */
  public String get(String key, Object... arguments) {
    return new MessageFormat(get(key), language.locale()).format(arguments);
  }

  /** A day in full: "Friday, December 4, 2026", "viernes, 4 de diciembre de 2026", … */
  public String date(LocalDate day) {
    return day == null ? "" : date.format(day);
  }

  /** A day, shorter: "Dec 4, 2026", "4 dic 2026", … */
  public String shortDate(LocalDate day) {
    return day == null ? "" : shortDate.format(day);
  }

  /** A day without its year: "Friday, December 4", "viernes, 4 de diciembre", … */
  public String day(LocalDate day) {
    return day == null ? "" : this.day.format(day);
  }

  /**
   * A time on a date, in the time's own offset, with that offset shown: "Dec 4, 2026, 2:15 PM
   * GMT-5".
   */
  public String dateTime(OffsetDateTime time) {
    return time == null ? "" : dateTime.format(time);
  }

  /** A time of day in its own offset, with the offset shown: "2:15 PM GMT-5". */
  public String time(OffsetDateTime time) {
    return time == null ? "" : this.time.format(time);
  }
}
