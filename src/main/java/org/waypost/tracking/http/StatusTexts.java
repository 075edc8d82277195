package org.waypost.tracking.http;

import org.waypost.tracking.EventType;
import org.waypost.tracking.Tracker;
import org.waypost.tracking.TrackingResult;
import org.waypost.web.Language;
import org.waypost.web.Text;

/**
 * The words for statuses and scans in each language, from the pages' bundles ({@code status.*},
 * {@code event.*}). The API's {@code statusText} follows {@code Accept-Language} through these: in
 * English it is the scan's own description, as stored; in another language it is the scan type's
 * description in that language, since a shipper's own words cannot be translated.
 */
final class StatusTexts {
  private static final Tracker.StatusWording[] WORDINGS =
      new Tracker.StatusWording[Language.values().length];

  static {
    for (Language language : Language.values()) {
      Text text = Text.of(language);
      int slot = language.ordinal();
      WORDINGS[slot] =
          new Tracker.StatusWording() {
            @Override
            public int slot() {
              return slot;
            }

            @Override
            public String statusText(TrackingResult result) {
              return scan(text, result.statusType());
            }
          };
    }
  }

  private StatusTexts() {}

  /** How {@code statusText} reads in {@code language}; never asked for English. */
  static Tracker.StatusWording wording(Language language) {
    return WORDINGS[language.ordinal()];
  }

  /** What a scan of {@code type} means, in {@code text}'s language; a label before any scan. */
  static String scan(Text text, EventType type) {
    return text.get("event." + (type == null ? EventType.LABEL_CREATED : type).name());
  }
}
