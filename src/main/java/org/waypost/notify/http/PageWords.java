package org.waypost.notify.http;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.waypost.notify.MailWords;
import org.waypost.web.Language;
import org.waypost.web.Text;

/** Mails speak with the public pages' words: one set of i18n bundles for both. */
public final class PageWords implements MailWords {
  @Override
  public String text(String language, String key, Object... arguments) {
    // without arguments, no MessageFormat: it would eat a text's apostrophes
    return arguments.length == 0 ? text(language).get(key) : text(language).get(key, arguments);
  }

  @Override
  public String day(String language, LocalDate day) {
    return text(language).day(day);
  }

  @Override
  public String dateTime(String language, OffsetDateTime time) {
    return text(language).dateTime(time);
  }

  /** The language's words; English for a code Waypost no longer speaks. */
  private static Text text(String language) {
    Language known = Language.of(language);
    return Text.of(known == null ? Language.EN : known);
  }
}
