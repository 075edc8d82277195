package org.waypost.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/** The persisted block index: found by day tag on any node, and forgotten with the day's keys. */
class BlocksTest {
  @TempDir Path dir;

  @Test
  void aBlockIsFoundByTagUntilItsDayKeysAreDestroyed() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, clock, Map.of())) {
      Blocks blocks = new Blocks(server.app().database(), server.app().keys(), 7);
      InetAddress client = InetAddress.getByName("203.0.113.90");
      InetAddress neighbour = InetAddress.getByName("203.0.113.91");
      long now = clock.millis();
      blocks.record(
          client, Blocks.Scope.CLIENT, "enumeration", 25, 25, now, now, now + 3_600_000, 1);

      assertThat(blocks.activeBlock(client, Blocks.Scope.CLIENT, now)).isPresent();
      assertThat(blocks.activeBlock(neighbour, Blocks.Scope.CLIENT, now)).isEmpty();
      assertThat(blocks.activeBlock(client, Blocks.Scope.PREFIX, now)).isEmpty();
      Blocks otherNode = new Blocks(server.app().database(), server.app().keys(), 7);
      otherNode.refresh(clock.instant());
      assertThat(otherNode.activeBlock(client, Blocks.Scope.CLIENT, now).orElseThrow().until())
          .isEqualTo(now + 3_600_000);
      assertThat(otherNode.recentOffences(client, Blocks.Scope.CLIENT, now)).isEqualTo(1);

      server.app().keys().destroyBefore(LocalDate.parse("2026-11-30"));
      blocks.refresh(clock.instant());
      otherNode.refresh(clock.instant());

      assertThat(blocks.activeBlock(client, Blocks.Scope.CLIENT, now)).isEmpty();
      assertThat(otherNode.activeBlock(client, Blocks.Scope.CLIENT, now)).isEmpty();
      assertThat(otherNode.recentOffences(client, Blocks.Scope.CLIENT, now)).isZero();
    }
  }
}
