package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.testing.StoreKind;

/**
 * The kill -9 drill: {@code waypost serve} is killed with SIGKILL while four shippers post scan
 * batches, and started again on the same store. No batch it acknowledged is lost, and the batches
 * whose answer never came, posted again as a shipper would, are stored once, not twice.
 */
class KillDrillTest {
  private static final Duration LOAD_BEFORE_KILL = Duration.ofSeconds(4);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void noAcknowledgedScanIsLostAndNoneIsStoredTwice(StoreKind store) throws Exception {
    try (DrillServer server = new DrillServer(dir, store.freshStore(dir))) {
      List<String> keyAndPieces = server.keyAndPieces(40);
      String key = keyAndPieces.getFirst();
      List<String> pieces = keyAndPieces.subList(1, keyAndPieces.size());
      server.start();

      ScanLoad load = new ScanLoad(() -> server, key, pieces).start(4);
      long deadline = System.nanoTime() + LOAD_BEFORE_KILL.toNanos();
      while (System.nanoTime() < deadline || load.acknowledgedCount() < 20) {
        Thread.sleep(50);
        assertThat(System.nanoTime() - deadline)
            .as("20 batches acknowledged within 30 s: %s", server.output())
            .isLessThan(Duration.ofSeconds(30).toNanos());
      }
      server.kill(); // with four batches in flight
      load.stop();
      int beforeTheKill = load.acknowledgedCount();

      server.start();
      load.retryUnsettled();
      int scans = load.assertEveryAcknowledgedScanStoredOnce(server);
      assertThat(scans).isGreaterThanOrEqualTo(beforeTheKill * 20);
    }
  }
}
