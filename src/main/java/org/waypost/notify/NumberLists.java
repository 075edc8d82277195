package org.waypost.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/**
 * Runs a query over a list of tracking numbers ({@code ... IN (?, ?, ...)}) in chunks, so that an
 * import of any size stays under the databases' limits on bound parameters.
 */
final class NumberLists {
  private static final int NUMBERS_PER_QUERY = 500;

  /** What to do with each row found. */
  @FunctionalInterface
  interface Row {
    void read(ResultSet rs) throws SQLException;
  }

  private NumberLists() {}

  /** Runs {@code before + "(?, ...)" + after} for each chunk of {@code numbers}. */
  static void query(Connection c, String before, List<String> numbers, String after, Row row)
      throws SQLException {
    for (int from = 0; from < numbers.size(); from += NUMBERS_PER_QUERY) {
      List<String> chunk =
          numbers.subList(from, Math.min(numbers.size(), from + NUMBERS_PER_QUERY));
      try (PreparedStatement ps =
          c.prepareStatement(
              before
                  + "("
                  + String.join(",", Collections.nCopies(chunk.size(), "?"))
                  + ")"
                  + after)) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            row.read(rs);
          }
        }
      }
    }
  }
}
