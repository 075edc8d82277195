package org.waypost.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The languages the public pages speak. Chosen per request: {@code ?lang=} first (a visible switch
 * on every page, no cookie), then the browser's {@code Accept-Language}, then English. The JSON API
 * keeps English codes; only human-readable texts follow the language.
 */
public enum Language {
  EN("en", Locale.ENGLISH, "English"),
  ES("es", Locale.forLanguageTag("es"), "Español"),
  ZH("zh", Locale.forLanguageTag("zh-Hans"), "中文");

  private final String code;
  private final Locale locale;
  private final String name;

  Language(String code, Locale locale, String name) {
    this.code = code;
    this.locale = locale;
    this.name = name;
  }

  /** The BCP 47 code pages carry in {@code <html lang>} and links carry in {@code ?lang=}. */
  public String code() {
    return code;
  }

  /** The locale dates and numbers are written in (CLDR data of the JDK). */
  public Locale locale() {
    return locale;
  }

  /** The language's name in itself, for the switch. */
  public String nativeName() {
    return name;
  }

  /** The language of this code; null when it is none Waypost speaks. */
  public static Language of(String code) {
    if (code == null) {
      return null;
    }
    String primary = code.strip().toLowerCase(Locale.ROOT);
    int dash = primary.indexOf('-');
    if (dash >= 0) {
      primary = primary.substring(0, dash);
    }
    for (Language language : values()) {
      if (language.code.equals(primary)) {
        return language;
      }
    }
    return null;
  }

  /**
   * The language of an API request, from its {@code Accept-Language} alone. Cheap for the common
   * cases, which the lookup path meets on every request: no header, or one that starts with an
   * English range of full weight, is English without parsing.
   */
  public static Language ofAcceptLanguage(String acceptLanguage) {
    if (acceptLanguage == null || acceptLanguage.isEmpty() || acceptLanguage.equals("*")) {
      return EN;
    }
    if (acceptLanguage.startsWith("en")) {
      int end = 2;
      while (end < acceptLanguage.length()
          && acceptLanguage.charAt(end) != ','
          && acceptLanguage.charAt(end) != ';') {
        end++;
      }
      if (end == acceptLanguage.length() || acceptLanguage.charAt(end) == ',') {
        return EN; // the first range has weight 1, the highest there is
      }
    }
    return choose(null, acceptLanguage);
  }

  /**
   * The language of a request: {@code ?lang=} when it names one, else the first of the browser's
   * preferences (by quality, RFC 9110) that Waypost speaks, else English. A malformed header counts
   * as no preference.
   */
  public static Language choose(String langParameter, String acceptLanguage) {
    Language asked = of(langParameter);
    if (asked != null) {
      return asked;
    }
    if (acceptLanguage == null || acceptLanguage.isBlank() || acceptLanguage.length() > 512) {
      return EN;
    }
    List<Locale.LanguageRange> ranges;
    try {
      ranges = Locale.LanguageRange.parse(acceptLanguage);
    } catch (IllegalArgumentException e) {
      return EN;
    }
    List<Locale.LanguageRange> ordered = new ArrayList<>(ranges); // parse sorts by weight
    for (Locale.LanguageRange range : ordered) {
      if (range.getWeight() > 0) {
        Language language = of(range.getRange());
        if (language != null) {
          return language;
        }
      }
    }
    return EN;
  }
}
