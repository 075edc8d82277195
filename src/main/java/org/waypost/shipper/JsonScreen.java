package org.waypost.shipper;

import java.util.HashMap;
import java.util.Map;

/**
 * Screens the bytes of a JSON array of events, or of one NDJSON line, before Jackson reads them, so
 * that what one element holds can get only that element rejected.
 *
 * <p>Why not Jackson's own limits: its {@code StreamReadConstraints} (nesting depth, number and
 * string length) throw in the middle of the stream and leave the parser unusable, so one element
 * over a limit would cost the whole batch. Raising them instead costs memory: Jackson keeps a
 * context object for every open level, about 56 bytes each, so a 16 MB body of {@code [} would hold
 * some 900 MB to be skipped. The screen follows only strings and brackets, in place and in constant
 * memory, and overwrites whatever is over Waypost's far smaller limits, so that Jackson never meets
 * one of its own:
 *
 * <ul>
 *   <li>a container opened more than {@value #MAX_DEPTH} levels deep inside an element becomes
 *       {@code 0}, and its content is blanked (spaces);
 *   <li>a string over {@value #MAX_STRING_BYTES} bytes is closed there, the rest blanked;
 *   <li>a number over {@value #MAX_NUMBER_CHARS} characters is cut after a digit, the rest blanked;
 *   <li>a byte of a string that is not UTF-8 (a stray or missing continuation byte, an overlong
 *       form, a surrogate, beyond U+10FFFF) becomes {@code ?}, and so does an escape of half a
 *       surrogate pair, which Jackson refuses in a field name as broken syntax.
 * </ul>
 *
 * The element that held any of these is recorded with the reason, to be rejected whatever Jackson
 * then makes of it. Bytes are overwritten, never moved, and line breaks are kept, so the line and
 * column of a syntax error Jackson reports are those of the body as sent. Inside what is blanked
 * only quotes and brackets are followed: a syntax error there goes unreported, its element being
 * rejected anyway. No event needs more than 3 levels, 1,200 bytes for a string (200 characters,
 * each escaped) or any number at all.
 */
final class JsonScreen {
  static final int MAX_DEPTH = 32;
  static final int MAX_STRING_BYTES = 4096;
  static final int MAX_NUMBER_CHARS = 100;

  static final String TOO_DEEP = "the event is nested more than " + MAX_DEPTH + " levels deep";
  static final String STRING_TOO_LONG =
      "the event holds a string of more than " + MAX_STRING_BYTES + " bytes";
  static final String NUMBER_TOO_LONG =
      "the event holds a number of more than " + MAX_NUMBER_CHARS + " characters";
  static final String NOT_UTF8 = "the event holds text that is not valid UTF-8";
  static final String NOT_UNICODE =
      "the event holds an escape of half a surrogate pair (\\uD800 to \\uDFFF) without the other";

  private final byte[] b;
  private final int to;
  private final int elementDepth;
  private int element;
  private Map<Integer, String> reasons;

  private JsonScreen(byte[] bytes, int to, int elementDepth) {
    this.b = bytes;
    this.to = to;
    this.elementDepth = elementDepth;
  }

  /**
   * Screens a whole JSON array body in place.
   *
   * @return why each rejected element was rejected, by its index in the array; empty if none was
   */
  static Map<Integer, String> array(byte[] body) {
    JsonScreen screen = new JsonScreen(body, body.length, 1);
    screen.run(0);
    return screen.reasons == null ? Map.of() : screen.reasons;
  }

  /**
   * Screens one JSON value (an NDJSON line) in place.
   *
   * @return why it is rejected, or null
   */
  static String value(byte[] bytes, int from, int to) {
    JsonScreen screen = new JsonScreen(bytes, to, 0);
    screen.run(from);
    return screen.reasons == null ? null : screen.reasons.values().iterator().next();
  }

  private void reject(String reason) {
    if (reasons == null) {
      reasons = new HashMap<>();
    }
    reasons.putIfAbsent(element, reason);
  }

  private void run(int i) {
    int depth = 0;
    int deepest = elementDepth + MAX_DEPTH;
    while (i < to) {
      byte c = b[i];
      if (c == '"') {
        i = string(i + 1);
      } else if (c == '[' || c == '{') {
        if (depth < deepest) {
          depth++;
          i++;
        } else {
          reject(TOO_DEEP);
          b[i] = '0';
          i = blankContainer(i + 1);
        }
      } else if (c == ']' || c == '}') {
        depth--;
        i++;
      } else if (c == ',') {
        if (depth == elementDepth) {
          element++;
        }
        i++;
      } else if (c == '-' || isDigit(c)) {
        i = number(i);
      } else {
        i++;
      }
    }
  }

  /** From just after an opening quote; returns the index after the closing one. */
  private int string(int i) {
    int limit = Math.min(to, i + MAX_STRING_BYTES);
    while (i < limit) {
      byte c = b[i];
      if (c == '"') {
        return i + 1;
      } else if (c == '\\') {
        // whole, so that a cut never falls inside it; the escaped byte cannot close the string
        i = i + 1 < to && b[i + 1] == 'u' ? unicodeEscape(i) : i + 2;
      } else if (c >= 0) {
        i++;
      } else {
        i = utf8(i);
      }
    }
    if (i >= to) {
      return i;
    }
    return b[i] == '"' ? i + 1 : cutString(i);
  }

  /**
   * Checks the UTF-8 sequence whose first byte is at {@code i} (RFC 3629's table); returns the
   * index after it, or after its first byte, made {@code ?}, if it is not one.
   */
  private int utf8(int i) {
    int lead = b[i] & 0xFF;
    int length = 0;
    int low = 0x80;
    int high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      low = lead == 0xE0 ? 0xA0 : low; // shorter forms are overlong
      high = lead == 0xED ? 0x9F : high; // ED A0..BF are surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      low = lead == 0xF0 ? 0x90 : low;
      high = lead == 0xF4 ? 0x8F : high; // beyond U+10FFFF
    }
    if (length > 0 && i + length <= to) {
      int second = b[i + 1] & 0xFF;
      boolean valid = second >= low && second <= high;
      for (int k = 2; valid && k < length; k++) {
        valid = (b[i + k] & 0xC0) == 0x80;
      }
      if (valid) {
        return i + length;
      }
    }
    reject(NOT_UTF8);
    b[i] = '?';
    return i + 1;
  }

  /**
   * A {@code \\uXXXX} escape at {@code i}, with the one after it if they are a surrogate pair;
   * returns the index after them. Half a pair becomes {@code \\u003F} ({@code ?}): Jackson refuses
   * one in a field name as broken syntax.
   */
  private int unicodeEscape(int i) {
    int unit = hex4(i + 2);
    if (unit < Character.MIN_SURROGATE || unit > Character.MAX_SURROGATE) {
      return i + 6;
    }
    if (Character.isHighSurrogate((char) unit)
        && i + 7 < to
        && b[i + 6] == '\\'
        && b[i + 7] == 'u'
        && Character.isLowSurrogate((char) hex4(i + 8))) {
      return i + 12;
    }
    reject(NOT_UNICODE);
    b[i + 2] = '0';
    b[i + 3] = '0';
    b[i + 4] = '3';
    b[i + 5] = 'F';
    return i + 6;
  }

  /** The value of the four hex digits at {@code i}, or -1 if they are not four hex digits. */
  private int hex4(int i) {
    if (i + 4 > to) {
      return -1;
    }
    int value = 0;
    for (int k = i; k < i + 4; k++) {
      int digit = Character.digit(b[k], 16);
      if (digit < 0) {
        return -1;
      }
      value = value * 16 + digit;
    }
    return value;
  }

  /** Ends an over-long string at {@code i}, between two characters, and blanks the rest. */
  private int cutString(int i) {
    reject(STRING_TOO_LONG);
    byte c = b[i];
    b[i] = '"';
    i++;
    if (c == '\\' && i < to) {
      blank(i++); // the escaped byte, which might be a quote
    }
    return blankStringRest(i);
  }

  /** Blanks a string from {@code i} up to and including its closing quote. */
  private int blankStringRest(int i) {
    while (i < to) {
      byte c = b[i];
      blank(i++);
      if (c == '"') {
        return i;
      }
      if (c == '\\' && i < to) {
        blank(i++);
      }
    }
    return i;
  }

  /** Blanks a container from just after its opening bracket up to and including its closing one. */
  private int blankContainer(int i) {
    long open = 1;
    while (i < to) {
      byte c = b[i];
      blank(i++);
      if (c == '"') {
        i = blankStringRest(i);
      } else if (c == '[' || c == '{') {
        open++;
      } else if ((c == ']' || c == '}') && --open == 0) {
        return i;
      }
    }
    return i;
  }

  /** A number, or what Jackson will refuse as one: the run of characters numbers are made of. */
  private int number(int i) {
    int start = i;
    while (i < to && isNumberChar(b[i])) {
      i++;
    }
    if (i - start > MAX_NUMBER_CHARS) {
      int keep = start + MAX_NUMBER_CHARS;
      while (keep < i && !isDigit(b[keep - 1])) {
        keep++; // end on a digit, so that what is kept is still a number
      }
      if (keep < i) {
        reject(NUMBER_TOO_LONG);
        for (int k = keep; k < i; k++) {
          b[k] = ' ';
        }
      }
    }
    return i;
  }

  private void blank(int i) {
    if (b[i] != '\n') {
      b[i] = ' ';
    }
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isNumberChar(byte c) {
    return isDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
  }
}
