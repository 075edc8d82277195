import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Prints every distinct tracking number in a Waypost SQLite database, one a line. Used by
 * bench/lookups.sh, run as a single-file program on the jar's classpath (which carries the SQLite
 * driver), so the benchmark needs no sqlite3 binary:
 *
 * <pre>java -cp target/waypost.jar bench/ListNumbers.java DIR/waypost.db</pre>
 */
class ListNumbers {
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java -cp target/waypost.jar bench/ListNumbers.java FILE.db");
      System.exit(2);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT DISTINCT tracking_number FROM shipments ORDER BY 1")) {
      StringBuilder out = new StringBuilder();
      while (rs.next()) {
        out.append(rs.getString(1)).append('\n');
      }
      System.out.print(out);
    }
  }
}
