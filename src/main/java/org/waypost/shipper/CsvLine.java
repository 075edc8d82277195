package org.waypost.shipper;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one line of a CSV file into its fields: RFC 4180, except that a record may not span lines.
 * A quoted field runs to its closing quote ({@code ""} inside it is one quote); spaces and tabs
 * around a field are dropped. A quote left open at the end of the line, text after a closing quote,
 * or a quote inside an unquoted field makes the line malformed, and only that line: with records
 * that may span lines, one stray quote would swallow the rows after it.
 */
final class CsvLine {
  private CsvLine() {}

  /**
   * @throws Fields.Invalid naming the field that is malformed (1-based)
   */
  static List<String> fields(String line) {
    List<String> fields = new ArrayList<>(12);
    int n = line.length();
    int i = 0;
    while (true) {
      i = skipBlanks(line, i);
      int field = fields.size() + 1;
      if (i < n && line.charAt(i) == '"') {
        StringBuilder value = new StringBuilder();
        i++;
        while (true) {
          int quote = line.indexOf('"', i);
          if (quote < 0) {
            throw new Fields.Invalid(
                "field " + field + " opens a quote that is not closed on its line");
          }
          value.append(line, i, quote);
          if (quote + 1 < n && line.charAt(quote + 1) == '"') {
            value.append('"');
            i = quote + 2;
          } else {
            i = skipBlanks(line, quote + 1);
            break;
          }
        }
        if (i < n && line.charAt(i) != ',') {
          throw new Fields.Invalid(
              "field " + field + " has text after its closing quote; quote the whole field");
        }
        fields.add(value.toString());
      } else {
        int comma = line.indexOf(',', i);
        int end = comma < 0 ? n : comma;
        int last = end;
        while (last > i && (line.charAt(last - 1) == ' ' || line.charAt(last - 1) == '\t')) {
          last--;
        }
        String value = line.substring(i, last);
        if (value.indexOf('"') >= 0) {
          throw new Fields.Invalid(
              "field " + field + " holds a quote but is not quoted; quote it and double the quote");
        }
        fields.add(value);
        i = end;
      }
      if (i >= n) {
        return fields;
      }
      i++; // the comma
    }
  }

  private static int skipBlanks(String line, int i) {
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }
}
