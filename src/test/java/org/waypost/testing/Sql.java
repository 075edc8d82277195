package org.waypost.testing;

import java.sql.ResultSet;
import java.sql.Statement;
import org.waypost.db.Database;

/** Reading a test's expectations straight from the database. */
public final class Sql {
  private Sql() {}

  /** The number {@code query} selects in its first row and column (a count, say). */
  public static long longValue(Database database, String query) {
    return database.read(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }
}
