package org.waypost.testing;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.waypost.db.Database;

/** Reading a test's expectations straight from the database, and altering it as an intruder. */
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

  /** Runs {@code statement} with {@code parameters} outside any Waypost code, committed at once. */
  public static void update(Database database, String statement, Object... parameters) {
    database.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < parameters.length; i++) {
              ps.setObject(i + 1, parameters[i]);
            }
            return ps.executeUpdate();
          }
        });
  }
}
