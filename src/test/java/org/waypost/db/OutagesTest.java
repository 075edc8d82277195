package org.waypost.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/**
 * Which failures are outages (503, try again) and which are a statement's own (500), by the classes
 * PostgreSQL and SQLite report; the HTTP flows are in {@link OutageTest}.
 */
class OutagesTest {
  private static SQLException state(String sqlState) {
    return new SQLException("failure", sqlState);
  }

  private static SQLException sqlite(int code) {
    return new SQLException("failure", null, code);
  }

  @Test
  void postgresqlConnectionResourceAndShutdownClassesAreOutages() {
    for (String outage :
        new String[] {"08001", "08006", "53100", "53200", "53300", "57P01", "57P03", "58030"}) {
      assertThat(Outages.isOutage(Dialect.POSTGRESQL, state(outage))).as(outage).isTrue();
    }
    for (String fault : new String[] {"23505", "42P01", "22001", "40001", "57014", null}) {
      assertThat(Outages.isOutage(Dialect.POSTGRESQL, state(fault))).as(fault).isFalse();
    }
  }

  @Test
  void theDiskAndResourcesRefuseWritesWhileALostConnectionDoesNot() {
    assertThat(Outages.refusesWrites(Dialect.POSTGRESQL, state("53100"))).isTrue();
    assertThat(Outages.refusesWrites(Dialect.POSTGRESQL, state("08006"))).isFalse();
    assertThat(Outages.refusesWrites(Dialect.SQLITE, sqlite(13))).as("SQLITE_FULL").isTrue();
    assertThat(Outages.refusesWrites(Dialect.SQLITE, sqlite(5))).as("SQLITE_BUSY").isFalse();
  }

  @Test
  void sqliteBusyIoFullAndCantOpenAreOutagesOtherCodesAreNot() {
    for (int code : new int[] {5, 10, 13, 14, 10 | (4 << 8)}) {
      assertThat(Outages.isOutage(Dialect.SQLITE, sqlite(code))).as("code %d", code).isTrue();
    }
    for (int code : new int[] {1, 19, 11, 0}) {
      assertThat(Outages.isOutage(Dialect.SQLITE, sqlite(code))).as("code %d", code).isFalse();
    }
    assertThat(Outages.isOutage(Dialect.POSTGRESQL, sqlite(13)))
        .as("SQLite's codes mean nothing from PostgreSQL")
        .isFalse();
  }

  @Test
  void thePoolGivingUpIsAnOutageFoundThroughWrappers() {
    SQLException timeout = new SQLTransientConnectionException("pool timed out");
    assertThat(Outages.isOutage(Dialect.POSTGRESQL, timeout)).isTrue();
    RuntimeException wrapped = new DatabaseException("cannot append", timeout);
    assertThat((Object) Outages.find(Dialect.POSTGRESQL, new IllegalStateException(wrapped)))
        .isSameAs(timeout);
    assertThat(
            (Object) Outages.find(Dialect.POSTGRESQL, new DatabaseException("x", state("23505"))))
        .isNull();
  }
}
