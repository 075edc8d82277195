package org.waypost.notify;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * The words of mails in a subscriber's language. They are the public pages' words (the same i18n
 * bundles), which live in the web layer this package may not know; the wiring passes them in.
 */
public interface MailWords {
  /** The text of {@code key} in {@code language} (a code: en, es, zh), placeholders filled in. */
  String text(String language, String key, Object... arguments);

  /** A day without its year, the language's way ("Friday, December 4"). */
  String day(String language, LocalDate day);

  /** A time on a date in its own offset, with the offset shown. */
  String dateTime(String language, OffsetDateTime time);
}
