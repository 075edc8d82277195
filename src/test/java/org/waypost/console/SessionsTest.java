package org.waypost.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.console.Sessions.Session;
import org.waypost.db.Database;
import org.waypost.governance.Operator;
import org.waypost.governance.Role;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * Console sessions on SQLite and on a real PostgreSQL: they find their operator until logout, 30
 * idle minutes or 8 hours, whichever comes first, and the database never holds a usable session id.
 */
class SessionsTest {
  private static final Instant START = Instant.parse("2026-11-29T09:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(START);
  private Database database;
  private Sessions sessions;
  private Operator lena;

  private void open(StoreKind kind) {
    database = Database.open(TestApp.config(kind.freshStore(dir)).database());
    sessions = new Sessions(database, clock);
    lena = operator("lena", "legal,privacy");
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  /** An operator row as `waypost user add` leaves it (no password: sessions do not need one). */
  private Operator operator(String name, String roles) {
    long id =
        database.inTransaction(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO operators (name, roles, created_at) VALUES (?, ?, ?)"
                          + " RETURNING id")) {
                ps.setString(1, name);
                ps.setString(2, roles);
                ps.setLong(3, clock.millis());
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  return rs.getLong(1);
                }
              }
            });
    return new Operator(id, name, Role.parse(roles));
  }

  private void execute(String sql, Object... parameters) {
    database.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
              ps.setObject(i + 1, parameters[i]);
            }
            return ps.executeUpdate();
          }
        });
  }

  private int storedSessions() {
    return database.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM operator_sessions");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
          }
        });
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aSessionFindsItsOperatorUntilItIsDestroyed(StoreKind kind) {
    open(kind);
    Sessions.Issued issued = sessions.create(lena);
    Sessions.Issued other = sessions.create(operator("piet", "privacy"));

    assertThat(issued.cookieValue()).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(issued.csrfToken()).hasSize(43).isNotEqualTo(issued.cookieValue());
    assertThat(other.cookieValue()).isNotEqualTo(issued.cookieValue());
    Session found = sessions.find(issued.cookieValue()).orElseThrow();
    assertThat(found.operator()).isEqualTo(lena);
    assertThat(found.operator().roles()).isEqualTo(EnumSet.of(Role.LEGAL, Role.PRIVACY));
    assertThat(found.csrfToken()).isEqualTo(issued.csrfToken());
    assertThat(sessions.find(other.cookieValue()).orElseThrow().operator().name())
        .isEqualTo("piet");

    sessions.destroy(issued.cookieValue());
    assertThat(sessions.find(issued.cookieValue())).isEmpty();
    assertThat(sessions.find(other.cookieValue())).as("other sessions go on").isPresent();
    sessions.destroy(issued.cookieValue()); // twice is harmless
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void unknownMalformedAndAlteredCookiesFindNothing(StoreKind kind) {
    open(kind);
    String cookie = sessions.create(lena).cookieValue();
    char last = cookie.charAt(42);
    String altered = cookie.substring(0, 42) + (last == 'A' ? 'B' : 'A');

    assertThat(sessions.find(null)).isEmpty();
    assertThat(sessions.find("")).isEmpty();
    assertThat(sessions.find(Sessions.randomToken())).isEmpty();
    assertThat(sessions.find(altered)).isEmpty();
    assertThat(sessions.find(cookie + "A")).isEmpty();
    assertThat(sessions.find(cookie.substring(1))).isEmpty();
    assertThat(sessions.find("' OR 1=1 --" + "x".repeat(32))).isEmpty();
    assertThat(sessions.find(cookie)).isPresent();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theDatabaseHoldsOnlyTheHashOfTheSessionId(StoreKind kind) throws Exception {
    open(kind);
    Sessions.Issued issued = sessions.create(lena);
    byte[] id = Base64.getUrlDecoder().decode(issued.cookieValue());
    assertThat(id).hasSize(32);

    List<byte[]> hashes = new ArrayList<>();
    List<String> everything = new ArrayList<>();
    database.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT * FROM operator_sessions");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              hashes.add(rs.getBytes("id_hash"));
              for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                Object value = rs.getObject(i);
                everything.add(
                    value instanceof byte[] bytes
                        ? new String(bytes, StandardCharsets.ISO_8859_1)
                        : String.valueOf(value));
              }
            }
            return null;
          }
        });
    assertThat(hashes).hasSize(1);
    assertThat(hashes.get(0)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(id));
    String raw = new String(id, StandardCharsets.ISO_8859_1);
    assertThat(everything)
        .noneMatch(value -> value.contains(issued.cookieValue()))
        .noneMatch(value -> value.contains(raw));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void thirtyIdleMinutesEndASessionAndDeleteIt(StoreKind kind) {
    open(kind);
    String cookie = sessions.create(lena).cookieValue();

    clock.advance(Duration.ofMinutes(29));
    assertThat(sessions.find(cookie)).as("used after 29 minutes").isPresent();
    clock.advance(Duration.ofMinutes(29));
    assertThat(sessions.find(cookie)).as("each use restarts the idle time").isPresent();
    clock.advance(Duration.ofMinutes(30));
    assertThat(sessions.find(cookie)).as("30 idle minutes").isEmpty();
    assertThat(storedSessions()).as("the ended session is deleted").isZero();
    clock.set(START.plusSeconds(60));
    assertThat(sessions.find(cookie)).as("and stays gone").isEmpty();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void eightHoursEndASessionHoweverBusy(StoreKind kind) {
    open(kind);
    String cookie = sessions.create(lena).cookieValue();
    for (int i = 0; i < 19; i++) {
      clock.advance(Duration.ofMinutes(25));
      assertThat(sessions.find(cookie)).as("after %d minutes", (i + 1) * 25).isPresent();
    }
    clock.set(START.plus(Duration.ofHours(8)).minusMillis(1));
    assertThat(sessions.find(cookie)).isPresent();
    clock.set(START.plus(Duration.ofHours(8)));
    assertThat(sessions.find(cookie)).as("8 hours after login").isEmpty();
    assertThat(storedSessions()).isZero();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void disablingAnOperatorEndsTheirSessionsAndRoleChangesApplyAtOnce(StoreKind kind) {
    open(kind);
    String cookie = sessions.create(lena).cookieValue();

    execute("UPDATE operators SET roles = ? WHERE id = ?", "legal", lena.id());
    assertThat(sessions.find(cookie).orElseThrow().operator().roles()).containsExactly(Role.LEGAL);

    execute("UPDATE operators SET disabled_at = ? WHERE id = ?", clock.millis(), lena.id());
    assertThat(sessions.find(cookie)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void endedSessionsArePurgedWithoutBeingAskedFor(StoreKind kind) {
    open(kind);
    sessions.create(lena);
    sessions.create(lena);
    clock.advance(Duration.ofMinutes(31));
    String fresh = sessions.create(lena).cookieValue();
    assertThat(storedSessions()).as("creating a session purges ended ones").isEqualTo(1);

    clock.advance(Duration.ofMinutes(31));
    assertThat(sessions.purgeExpired()).isEqualTo(1);
    assertThat(storedSessions()).isZero();
    assertThat(sessions.find(fresh)).isEmpty();
  }

  @Test
  void csrfTokensAreComparedExactly() {
    Session session = new Session(new Operator(1, "lena", EnumSet.of(Role.LEGAL)), "token-1");
    assertThat(session.csrfMatches("token-1")).isTrue();
    assertThat(session.csrfMatches("token-2")).isFalse();
    assertThat(session.csrfMatches("token-1 ")).isFalse();
    assertThat(session.csrfMatches("")).isFalse();
    assertThat(session.csrfMatches(null)).isFalse();
    assertThat(Sessions.constantTimeEquals(null, null)).isFalse();
  }
}
