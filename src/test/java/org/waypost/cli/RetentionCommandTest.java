package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.App;
import org.waypost.config.WaypostConfig;
import org.waypost.keys.KeyStore;
import org.waypost.keys.MasterKey;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.TestApp;
import org.waypost.visitor.VisitorLog;

/**
 * {@code waypost retention run --at}: after retention, the rows of expired days are gone, their key
 * files are gone, and what was sealed on those days cannot be opened by anyone.
 */
class RetentionCommandTest {
  @TempDir Path dir;

  @Test
  void retentionRunAtALaterInstantShredsExpiredDays() {
    Map<String, String> overrides = new HashMap<>(Storage.dataOverrides(dir));
    overrides.put("server.port", "0");
    overrides.put("server.trustedProxies", "127.0.0.1,::1");
    WaypostConfig config = TestApp.config(overrides);
    MutableClock clock = new MutableClock(Instant.parse("2026-11-02T09:30:00Z"));
    byte[] sealed;
    try (TestApp server = TestApp.start(config, clock)) {
      server.get("/api/v1/tracking/9400111206206406260787", "X-Forwarded-For", "203.0.113.7");
      server.app().capture().flush();
      sealed =
          server
              .app()
              .database()
              .read(
                  c -> {
                    try (var rs =
                        c.createStatement().executeQuery("SELECT sealed_ip FROM security_log")) {
                      rs.next();
                      return rs.getBytes(1);
                    }
                  });
    }
    assertThat(dir.resolve("keys/day-2026-11-02.json")).exists();

    Cli cli = Cli.run("retention", "run", "--at", "2026-11-09T00:00:00Z", "--data", dir.toString());

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out())
        .contains("security log rows deleted:     1")
        .contains("day keys destroyed:            1 [2026-11-02]")
        .contains("visitor-count keys destroyed:  1");
    assertThat(dir.resolve("keys/day-2026-11-02.json")).doesNotExist();
    KeyStore fresh = new KeyStore(dir.resolve("keys"), MasterKey.load(config.privacy()));
    assertThat(fresh.existing(LocalDate.parse("2026-11-02"))).isEmpty();
    assertThat(fresh.isDestroyed(LocalDate.parse("2026-11-02"))).isTrue();
    assertThat(sealed).isNotEmpty();
    assertThat(VisitorLog.associatedData(LocalDate.parse("2026-11-02"))).isNotEmpty();
    try (App app = App.open(config, clock)) {
      assertThat(Sql.longValue(app.database(), "SELECT COUNT(*) FROM security_log")).isZero();
    }
  }

  @Test
  void aBadInstantIsRefused() {
    Cli cli = Cli.run("retention", "run", "--at", "next tuesday", "--data", dir.toString());
    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err()).contains("--at must be an instant");
  }
}
