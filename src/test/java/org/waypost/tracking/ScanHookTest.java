package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.waypost.testing.Fixtures.batch;
import static org.waypost.testing.Fixtures.priorityToFairfax;
import static org.waypost.testing.Fixtures.scan;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/** Work done in a batch's transaction sees each new scan once and fails the batch with it. */
class ScanHookTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aHookSeesOnlyNewScansAndItsFailureKeepsNoneOfThem(StoreKind kind) {
    try (TestApp server = TestApp.start(kind, dir)) {
      var app = server.app();
      long shipper = app.apiKeys().create("Acme").shipper().id();
      String number = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
      List<String> seen = new ArrayList<>();
      boolean[] fail = {false};
      app.ingestion()
          .addHook(
              (c, scans, receivedAt) -> {
                for (ScanHook.StoredScan s : scans) {
                  assertThat(s.piece().trackingNumber()).isEqualTo(number);
                  assertThat(s.account()).isEqualTo(shipper);
                  seen.add(s.event().eventId());
                }
                if (fail[0]) {
                  throw new SQLException("the outbox is full");
                }
              });

      var first =
          app.ingestion()
              .ingest(
                  batch(
                      scan("a", number, EventType.ACCEPTED, "2026-11-27T16:00:00-08:00"),
                      scan("b", number, EventType.ARRIVED, "2026-11-28T14:03:00-08:00")));
      assertThat(first.accepted()).isEqualTo(2);
      assertThat(seen).containsExactly("a", "b");

      seen.clear();
      var again =
          app.ingestion()
              .ingest(
                  batch(
                      scan("b", number, EventType.ARRIVED, "2026-11-28T14:03:00-08:00"),
                      scan("c", number, EventType.DEPARTED, "2026-11-28T20:00:00-08:00")));
      assertThat(again.duplicates()).isEqualTo(1);
      assertThat(seen).as("a resent scan is not new").containsExactly("c");

      fail[0] = true;
      assertThatThrownBy(
              () ->
                  app.ingestion()
                      .ingest(
                          batch(
                              scan(
                                  "d",
                                  number,
                                  EventType.OUT_FOR_DELIVERY,
                                  "2026-11-29T08:00:00-05:00"))))
          .isNotNull();
      fail[0] = false;
      seen.clear();
      var retried =
          app.ingestion()
              .ingest(
                  batch(
                      scan("d", number, EventType.OUT_FOR_DELIVERY, "2026-11-29T08:00:00-05:00")));
      assertThat(retried.accepted())
          .as("the failed batch was rolled back with its hook's work")
          .isEqualTo(1);
      assertThat(seen).containsExactly("d");
    }
  }
}
