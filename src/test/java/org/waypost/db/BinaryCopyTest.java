package org.waypost.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.waypost.testing.EmbeddedPg;

/** Rows written in the binary COPY format arrive in PostgreSQL as the values they were. */
class BinaryCopyTest {

  @Test
  void valuesNullsAndNonAsciiTextArriveUnchanged() throws SQLException {
    try (Connection c = DriverManager.getConnection(EmbeddedPg.newDatabase(), "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (a BIGINT, b INTEGER, c VARCHAR(40), d CHAR(2))");
      // a tiny first buffer, so that it has to grow
      BinaryCopy rows = new BinaryCopy(4, 1);
      rows.row().int8(Long.MIN_VALUE).int4(-1).text("Zürich \\ \"quoted\"\ttab").text("CH");
      rows.row().int8(1L << 40).int4(Integer.MAX_VALUE).nullValue().text(null);
      rows.row().int8(0).int4(0).text("").text("US");

      assertThat(rows.into(c, "t", "a, b, c, d")).isEqualTo(3);

      List<String> read = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT a, b, c, d FROM t ORDER BY a")) {
        while (rs.next()) {
          read.add(
              rs.getLong(1) + "|" + rs.getInt(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
        }
      }
      assertThat(read)
          .containsExactly(
              Long.MIN_VALUE + "|-1|Zürich \\ \"quoted\"\ttab|CH",
              "0|0||US",
              (1L << 40) + "|" + Integer.MAX_VALUE + "|null|null");
    }
  }

  @Test
  void aConstraintViolationFailsTheCopyWithPostgresqlsState() throws SQLException {
    try (Connection c = DriverManager.getConnection(EmbeddedPg.newDatabase(), "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY)");
      s.execute("INSERT INTO t VALUES (7)");
      BinaryCopy rows = new BinaryCopy(1, 64);
      rows.row().int8(6);
      rows.row().int8(7);

      assertThatThrownBy(() -> rows.into(c, "t", "id"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
        rs.next();
        assertThat(rs.getInt(1)).as("nothing of the failed COPY is kept").isEqualTo(1);
      }
    }
  }
}
