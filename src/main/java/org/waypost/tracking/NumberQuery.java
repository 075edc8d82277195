package org.waypost.tracking;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.waypost.error.Phrase;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/**
 * The numbers a visitor asked for at once: 1 to {@value #MAX}, each normalized, duplicates removed
 * and the order kept. Two readings:
 *
 * <ul>
 *   <li>{@link #parse} is the API's, exactly as the contract says: entries separated by commas or
 *       newlines, every other character part of its entry (so spaces and dashes inside a number are
 *       ignored). A script gets an error for an entry it got wrong, never a guess.
 *   <li>{@link #read} is the pages': what a person typed or pasted. Commas, semicolons (also their
 *       full-width forms) and newlines separate entries; an entry that cannot be one number is
 *       searched for the numbers inside it — two numbers with a space between them, "Tracking #:
 *       9400 1118 ...", a carrier's tracking address. See {@link #numbersIn}.
 * </ul>
 */
public record NumberQuery(List<String> numbers) {
  public static final int MAX = 35;

  /** More text than 35 numbers with their labels and addresses; the URL limit is near anyway. */
  static final int MAX_TEXT = 8_000;

  private static final Pattern API_SEPARATORS = Pattern.compile("[,\\r\\n]");
  private static final Pattern TEXT_SEPARATORS = Pattern.compile("[,;\\r\\n\\uFF0C\\uFF1B\\u3001]");

  /** The longest and shortest one number can be, once normalized (S10 is 13, IMpb up to 34). */
  private static final int LONGEST = 40;

  private static final int SHORTEST = 8;

  public NumberQuery {
    numbers = List.copyOf(numbers);
  }

  /** The API's reading: commas and newlines separate numbers. */
  public static NumberQuery parse(String raw) {
    Set<String> unique = new LinkedHashSet<>();
    if (raw != null) {
      for (String entry : API_SEPARATORS.split(raw)) {
        String normalized = TrackingNumber.normalize(entry);
        if (!normalized.isEmpty()) {
          unique.add(normalized);
        }
      }
    }
    return of(unique);
  }

  /** The pages' reading of what a person typed or pasted: see the class comment. */
  public static NumberQuery read(String text) {
    if (text != null && text.length() > MAX_TEXT) {
      throw ProblemException.validation(
          "That is more text than " + MAX + " tracking numbers need: paste the numbers only.",
          Phrase.of("query.tooLong", MAX));
    }
    Set<String> unique = new LinkedHashSet<>();
    if (text != null) {
      for (String entry : TEXT_SEPARATORS.split(percentDecoded(text))) {
        unique.addAll(numbersIn(entry));
      }
    }
    return of(unique);
  }

  private static NumberQuery of(Set<String> unique) {
    if (unique.size() > MAX) {
      throw new ProblemException(
          ProblemType.TOO_MANY_NUMBERS,
          "Up to "
              + MAX
              + " tracking numbers can be looked up at once; "
              + unique.size()
              + " were given.",
          Phrase.of("query.tooMany", MAX, unique.size()));
    }
    if (unique.isEmpty()) {
      throw ProblemException.validation(
          "Enter at least one tracking number.", Phrase.of("query.empty"));
    }
    return new NumberQuery(new ArrayList<>(unique));
  }

  /**
   * The numbers in one entry of pasted text, normalized. An entry that can be one number as a whole
   * is that number, spaces and all ("9400 1118 9922 ..."). Otherwise the entry is cut into words
   * (runs of ASCII letters and digits), and the words are grouped into numbers: consecutive words
   * with only spaces or dashes between them may form one number; a word that is in no number is
   * skipped ("Tracking", "#:", the parts of a web address). The grouping chosen skips as few words
   * holding digits as it can, then has as many numbers Waypost tracks as it can, then as few
   * numbers as it can. A word of digits right next to a number (with only a space between) is never
   * skipped: "9400 1118 ... 8" with a digit too many must be reported as a wrong number, not
   * shortened into a different valid one. When no grouping finds a number, the whole entry is kept,
   * so that it gets its own error.
   */
  static List<String> numbersIn(String entry) {
    String whole = TrackingNumber.normalize(entry);
    if (whole.isEmpty()) {
      return List.of();
    }
    if (TrackingNumber.wholeness(entry) != TrackingNumber.Wholeness.NONE) {
      return List.of(whole);
    }
    List<Word> words = words(entry);
    List<String> found = group(entry, words);
    return found.isEmpty() ? List.of(whole) : found;
  }

  /** A run of ASCII letters and digits, and whether only separators lie between it and the next. */
  private record Word(int start, int end, boolean digits, boolean joinsNext) {}

  private static List<Word> words(String entry) {
    List<Word> words = new ArrayList<>();
    int i = 0;
    while (i < entry.length()) {
      if (!isWordChar(entry.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      boolean digits = false;
      while (i < entry.length() && isWordChar(entry.charAt(i))) {
        digits |= Character.isDigit(entry.charAt(i));
        i++;
      }
      int next = i;
      while (next < entry.length() && !isWordChar(entry.charAt(next))) {
        next++;
      }
      boolean joins =
          next < entry.length() && TrackingNumber.normalize(entry.substring(i, next)).isEmpty();
      words.add(new Word(start, i, digits, joins));
    }
    return words;
  }

  private static boolean isWordChar(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /** How good a grouping of the first words is; lower is better, compared field by field. */
  private record Cost(int skippedDigits, int notValid, int numbers) {
    boolean betterThan(Cost other) {
      if (other == null) {
        return true;
      }
      if (skippedDigits != other.skippedDigits) {
        return skippedDigits < other.skippedDigits;
      }
      if (notValid != other.notValid) {
        return notValid < other.notValid;
      }
      return numbers < other.numbers;
    }
  }

  /**
   * The best grouping of {@code words} into numbers, by dynamic programming over word positions:
   * {@code best[i]} is the best grouping of the first i words, and {@code from[i]} where its last
   * step started (a negative start: word i-1 skipped).
   */
  private static List<String> group(String entry, List<Word> words) {
    int n = words.size();
    Cost[] best = new Cost[n + 1];
    int[] from = new int[n + 1];
    best[0] = new Cost(0, 0, 0);
    for (int i = 0; i < n; i++) {
      if (best[i] == null) {
        continue;
      }
      Word word = words.get(i);
      Cost skip =
          new Cost(
              best[i].skippedDigits() + (word.digits() ? 1 : 0),
              best[i].notValid(),
              best[i].numbers());
      if (skip.betterThan(best[i + 1])) {
        best[i + 1] = skip;
        from[i + 1] = -(i + 1);
      }
      int length = 0;
      for (int j = i; j < n; j++) {
        Word last = words.get(j);
        length += last.end() - last.start();
        if (length > LONGEST) {
          break;
        }
        if (length >= SHORTEST) {
          TrackingNumber.Wholeness kind =
              TrackingNumber.wholeness(entry.substring(word.start(), last.end()));
          if (kind != TrackingNumber.Wholeness.NONE) {
            Cost take =
                new Cost(
                    best[i].skippedDigits(),
                    best[i].notValid() + (kind == TrackingNumber.Wholeness.VALID ? 0 : 1),
                    best[i].numbers() + 1);
            if (take.betterThan(best[j + 1])) {
              best[j + 1] = take;
              from[j + 1] = i;
            }
          }
        }
        if (!last.joinsNext()) {
          break;
        }
      }
    }
    List<int[]> taken = new ArrayList<>();
    for (int end = n; end > 0; ) {
      int start = from[end];
      if (start < 0) {
        end = -start - 1;
      } else {
        taken.addFirst(new int[] {start, end});
        end = start;
      }
    }
    List<String> numbers = new ArrayList<>(taken.size());
    for (int[] span : taken) {
      if (touchesSkippedDigits(words, taken, span)) {
        return List.of();
      }
      Word first = words.get(span[0]);
      Word last = words.get(span[1] - 1);
      numbers.add(TrackingNumber.normalize(entry.substring(first.start(), last.end())));
    }
    return numbers;
  }

  /** Whether a word of digits joined to this number without a break was left out of it. */
  private static boolean touchesSkippedDigits(List<Word> words, List<int[]> taken, int[] span) {
    int before = span[0] - 1;
    int after = span[1];
    boolean beforeSkipped =
        before >= 0
            && words.get(before).joinsNext()
            && words.get(before).digits()
            && taken.stream().noneMatch(other -> other[1] == span[0]);
    boolean afterSkipped =
        after < words.size()
            && words.get(after - 1).joinsNext()
            && words.get(after).digits()
            && taken.stream().noneMatch(other -> other[0] == after);
    return beforeSkipped || afterSkipped;
  }

  /**
   * The text with its URL escapes decoded ({@code %2C} between two numbers in a pasted address is a
   * comma), left as it is where an escape is not one.
   */
  private static String percentDecoded(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' && i + 2 < text.length()) {
        int high = hex(text.charAt(i + 1));
        int low = hex(text.charAt(i + 2));
        if (high >= 0 && high < 8 && low >= 0) {
          out.append((char) (high * 16 + low));
          i += 2;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }
}
