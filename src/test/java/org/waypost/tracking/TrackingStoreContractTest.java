package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.testing.Fixtures.batch;
import static org.waypost.testing.Fixtures.priorityToFairfax;
import static org.waypost.testing.Fixtures.priorityWithNumber;
import static org.waypost.testing.Fixtures.scan;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.App;
import org.waypost.catalog.Service;
import org.waypost.config.WaypostConfig;
import org.waypost.db.Dialect;
import org.waypost.error.ProblemType;
import org.waypost.keys.MasterKey;
import org.waypost.retention.Retention;
import org.waypost.testing.Fixtures;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * The tracking store's promises, held on SQLite and on a real PostgreSQL alike: issued numbers
 * never repeat, a reused number shows its newest piece, scans are idempotent by event id, and the
 * status never depends on the order in which scans arrive.
 */
class TrackingStoreContractTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  @TempDir Path dir;

  /** The apps' clock: tests that need pieces registered long ago set it back, then forward. */
  private final MutableClock clock = new MutableClock(NOW);

  private App open(StoreKind kind) {
    return App.open(TestApp.config(kind.freshStore(dir)), clock);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void issuedNumbersAreValidAndNeverRepeatAcrossThreadsAndRestarts(StoreKind kind)
      throws Exception {
    WaypostConfig config = TestApp.config(kind.freshStore(dir));
    Set<String> numbers = ConcurrentHashMap.newKeySet();
    try (App app = App.open(config, new MutableClock(NOW))) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        work.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 25; i++) {
                    numbers.add(
                        app.shipments().register(shipper, priorityToFairfax()).trackingNumber());
                    numbers.add(
                        app.shipments()
                            .register(shipper, Fixtures.internationalToLondon())
                            .trackingNumber());
                  }
                  return null;
                }));
      }
      for (Future<?> f : work) {
        f.get();
      }
      pool.shutdown();
    }
    assertThat(numbers).hasSize(200);
    try (App restarted = App.open(config, new MutableClock(NOW))) {
      long shipper = restarted.apiKeys().create("Acme").shipper().id();
      String afterRestart =
          restarted.shipments().register(shipper, priorityToFairfax()).trackingNumber();
      assertThat(numbers).doesNotContain(afterRestart);
      numbers.add(afterRestart);
    }
    for (String number : numbers) {
      TrackingNumber parsed = TrackingNumber.parse(number);
      assertThat(parsed.value()).isEqualTo(number);
      assertThat(parsed.scheme()).isIn(TrackingNumber.Scheme.IMPB, TrackingNumber.Scheme.S10);
      if (parsed.scheme() == TrackingNumber.Scheme.IMPB) {
        assertThat(number).hasSize(22).startsWith("94055123456");
      } else {
        assertThat(number).startsWith("CP").endsWith("US");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aReusedNumberShowsTheMostRecentPiece(StoreKind kind) {
    try (App app = open(kind)) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      String number = "9400111206206406260787";
      clock.set(Instant.parse("2026-05-30T00:00:00Z"));
      app.shipments().register(shipper, priorityWithNumber(number));
      clock.set(Instant.parse("2026-06-02T00:00:00Z"));
      app.ingestion()
          .ingest(batch(scan("old-1", number, EventType.DELIVERED, "2026-06-01T10:00:00-04:00")));
      clock.set(NOW);
      app.shipments()
          .register(
              shipper,
              new ShipmentRegistry.Request(
                  Service.GROUND_ADVANTAGE,
                  number,
                  Fixtures.fairfax(),
                  Fixtures.losAngeles(),
                  null));

      TrackingResult result =
          app.tracker().lookup(TrackingNumber.parse(number)).orElseThrow().result();

      assertThat(result.service()).isEqualTo(Service.GROUND_ADVANTAGE);
      assertThat(result.status()).isEqualTo(TrackingStatus.PRE_TRANSIT);
      assertThat(result.events()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void scansAreIdempotentByEventIdWithinAndAcrossBatches(StoreKind kind) {
    try (App app = open(kind)) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      String number = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
      var first =
          app.ingestion()
              .ingest(
                  batch(
                      scan("a", number, EventType.ACCEPTED, "2026-11-27T09:00:00-08:00"),
                      scan("b", number, EventType.ARRIVED, "2026-11-27T15:00:00-08:00"),
                      scan("a", number, EventType.ACCEPTED, "2026-11-27T09:00:00-08:00")));
      var again =
          app.ingestion()
              .ingest(
                  batch(
                      scan("b", number, EventType.ARRIVED, "2026-11-27T15:00:00-08:00"),
                      scan("c", number, EventType.DEPARTED, "2026-11-27T18:00:00-08:00")));

      assertThat(first.accepted()).isEqualTo(2);
      assertThat(first.duplicates()).isEqualTo(1);
      assertThat(again.accepted()).isEqualTo(1);
      assertThat(again.duplicates()).isEqualTo(1);
      assertThat(app.tracker().lookup(TrackingNumber.parse(number)).orElseThrow().result().events())
          .hasSize(3);
      // PostgreSQL bulk-loads a batch and stores it again scan by scan only when it holds a
      // resent scan: here the second batch, not the first (whose repeat never left Java).
      assertThat(app.meters().get("waypost.events.copy.retried").counter().count())
          .isEqualTo(kind == StoreKind.POSTGRESQL ? 1 : 0);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTieOnEventTimeIsWonByTheScanReceivedLater(StoreKind kind) {
    String time = "2026-11-28T06:00:00-05:00";
    try (App app = open(kind)) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      String outLast = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
      String arrivedLast = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
      app.ingestion().ingest(batch(scan("1", outLast, EventType.ARRIVED, time)));
      app.ingestion().ingest(batch(scan("2", outLast, EventType.OUT_FOR_DELIVERY, time)));
      app.ingestion().ingest(batch(scan("3", arrivedLast, EventType.OUT_FOR_DELIVERY, time)));
      app.ingestion().ingest(batch(scan("4", arrivedLast, EventType.ARRIVED, time)));

      assertThat(status(app, outLast)).isEqualTo(TrackingStatus.OUT_FOR_DELIVERY);
      assertThat(status(app, arrivedLast)).isEqualTo(TrackingStatus.IN_TRANSIT);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aBatchLargerThanOneSequenceBlockIsStoredWhole(StoreKind kind) {
    try (App app = open(kind)) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      String number = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
      List<ScanEvent> scans = new ArrayList<>();
      Instant start = Instant.parse("2026-11-20T00:00:00Z");
      int count = ScanEventWriter.EVENT_SEQ_BLOCK * 2 + 5;
      for (int i = 0; i < count; i++) {
        String time = start.plusSeconds(60L * i).toString();
        scans.add(scan("s" + i, number, EventType.ARRIVED, time));
      }
      scans.add(
          scan("last", number, EventType.DELIVERED, start.plusSeconds(60L * count).toString()));

      var outcome = app.ingestion().ingest(batch(scans.toArray(ScanEvent[]::new)));

      assertThat(outcome.accepted()).isEqualTo(count + 1);
      assertThat(Sql.longValue(app.database(), "SELECT COUNT(DISTINCT seq) FROM scan_events"))
          .isEqualTo(count + 1);
      if (kind == StoreKind.POSTGRESQL) {
        long increment =
            Sql.longValue(
                app.database(),
                "SELECT increment_by FROM pg_sequences WHERE sequencename = 'scan_events_seq_seq'");
        assertThat(increment)
            .as("a nextval reserves the block the bulk load uses (migration V10)")
            .isEqualTo(ScanEventWriter.EVENT_SEQ_BLOCK);
      }
      assertThat(status(app, number)).isEqualTo(TrackingStatus.DELIVERED);
    }
  }

  /**
   * Each way of writing scans (SQLite's VALUES; on PostgreSQL a batch's COPY, and the arrays a
   * batch with a resent scan is stored again through) fills every column of a scan from the same
   * mapping ({@link ScanEventColumn}), which reads back as it was sent.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void everyWayOfWritingAScanStoresEachOfItsColumns(StoreKind kind) {
    try (App app = open(kind)) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      var piece = app.shipments().register(shipper, priorityToFairfax());
      TrackingNumber number = TrackingNumber.parse(piece.trackingNumber());
      ScanEvent copied =
          new ScanEvent(
              "copied",
              number,
              EventType.ARRIVED,
              OffsetDateTime.parse("2026-11-27T15:04:05.123+05:30"),
              Fixtures.merrifield(),
              "Arrived at Merrifield");
      ScanEvent unnested =
          new ScanEvent(
              "unnested",
              number,
              EventType.DEPARTED,
              OffsetDateTime.parse("2026-11-27T18:00:00-08:00"),
              Fixtures.london(),
              null);
      ScanEvent nowhere =
          new ScanEvent(
              "nowhere",
              number,
              EventType.IN_TRANSIT,
              OffsetDateTime.parse("2026-11-28T03:00:00Z"),
              null,
              "In transit");

      assertThat(app.ingestion().ingest(batch(copied)).accepted()).isEqualTo(1);
      assertThat(app.ingestion().ingest(batch(copied, unnested, nowhere)).accepted()).isEqualTo(2);

      assertThat(app.meters().get("waypost.events.copy.retried").counter().count())
          .as("the second batch was stored again through the arrays")
          .isEqualTo(kind == StoreKind.POSTGRESQL ? 1 : 0);
      assertThat(app.tracker().lookup(number).orElseThrow().result().events())
          .extracting(
              e -> List.of(e.time(), e.type(), e.description(), String.valueOf(e.location())))
          .containsExactly(
              List.of(nowhere.time(), EventType.IN_TRANSIT, "In transit", "null"),
              List.of(
                  unnested.time(),
                  EventType.DEPARTED,
                  EventType.DEPARTED.defaultDescription(),
                  Fixtures.london().toString()),
              List.of(
                  copied.time(),
                  EventType.ARRIVED,
                  "Arrived at Merrifield",
                  Fixtures.merrifield().toString()));
      for (String eventId : List.of("copied", "unnested", "nowhere")) {
        String row = " FROM scan_events WHERE event_id = '" + eventId + "'";
        assertThat(Sql.longValue(app.database(), "SELECT shipment_id" + row)).isEqualTo(piece.id());
        assertThat(Sql.longValue(app.database(), "SELECT received_at" + row))
            .isEqualTo(NOW.toEpochMilli());
        assertThat(
                Sql.longValue(
                    app.database(),
                    "SELECT COUNT(*)" + row + " AND tracking_number = '" + number.value() + "'"))
            .isOne();
      }
    }
  }

  private static TrackingStatus status(App app, String number) {
    return app.tracker().lookup(TrackingNumber.parse(number)).orElseThrow().result().status();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void scansForUnknownNumbersAreRejectedAndTheRestStored(StoreKind kind) {
    try (App app = open(kind)) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      String number = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
      var outcome =
          app.ingestion()
              .ingest(
                  batch(
                      scan(
                          "x1",
                          "9400111206206406260787",
                          EventType.ARRIVED,
                          "2026-11-27T10:00:00-08:00"),
                      scan("x2", number, EventType.ACCEPTED, "2026-11-27T09:00:00-08:00")));
      assertThat(outcome.accepted()).isEqualTo(1);
      assertThat(outcome.rejected())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.index()).isZero();
                assertThat(r.type()).isEqualTo(ProblemType.NOT_FOUND);
              });
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theStatusDoesNotDependOnArrivalOrder(StoreKind kind) {
    try (App app = open(kind)) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      List<String> numbers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        numbers.add(app.shipments().register(shipper, priorityToFairfax()).trackingNumber());
      }
      Random random = new Random(42);
      for (String number : numbers) {
        List<ScanEvent> history = deliveredHistory(number);
        List<ScanEvent> shuffled = new ArrayList<>(history);
        Collections.shuffle(shuffled, random);
        for (int from = 0; from < shuffled.size(); ) {
          int to = Math.min(shuffled.size(), from + 1 + random.nextInt(3));
          app.ingestion().ingest(batch(shuffled.subList(from, to).toArray(ScanEvent[]::new)));
          from = to;
        }
        TrackingResult result =
            app.tracker().lookup(TrackingNumber.parse(number)).orElseThrow().result();
        assertThat(result.status()).isEqualTo(TrackingStatus.DELIVERED);
        assertThat(result.statusText()).isEqualTo("Delivered, Front Door/Porch");
        assertThat(result.deliveredAt()).hasToString("2026-11-28T14:20-05:00");
        assertThat(result.events())
            .extracting(TrackingResult.Event::type)
            .containsExactly(
                EventType.DELIVERED,
                EventType.OUT_FOR_DELIVERY,
                EventType.ARRIVED,
                EventType.IN_TRANSIT,
                EventType.DEPARTED,
                EventType.ACCEPTED,
                EventType.LABEL_CREATED);
      }
    }
  }

  /** A week's journey, with a late stray scan after delivery that must not undo it. */
  private static List<ScanEvent> deliveredHistory(String number) {
    return List.of(
        scan(number + "-1", number, EventType.LABEL_CREATED, "2026-11-24T10:00:00-08:00"),
        scan(number + "-2", number, EventType.ACCEPTED, "2026-11-24T16:00:00-08:00"),
        scan(number + "-3", number, EventType.DEPARTED, "2026-11-25T02:00:00-08:00"),
        scan(number + "-4", number, EventType.IN_TRANSIT, "2026-11-26T12:00:00-06:00"),
        scan(number + "-5", number, EventType.ARRIVED, "2026-11-27T05:00:00-05:00"),
        scan(number + "-6", number, EventType.OUT_FOR_DELIVERY, "2026-11-28T07:40:00-05:00"),
        new ScanEvent(
            number + "-7",
            TrackingNumber.parse(number),
            EventType.DELIVERED,
            java.time.OffsetDateTime.parse("2026-11-28T14:20:00-05:00"),
            Fixtures.fairfax(),
            "Delivered, Front Door/Porch"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aDeliveredPieceStaysDeliveredUntilAReturnOrAlert(StoreKind kind) {
    try (App app = open(kind)) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      String number = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
      TrackingNumber parsed = TrackingNumber.parse(number);
      app.ingestion()
          .ingest(
              batch(
                  scan("d1", number, EventType.DELIVERED, "2026-11-28T14:00:00-05:00"),
                  scan("d2", number, EventType.ARRIVED, "2026-11-28T20:00:00-05:00")));
      assertThat(app.tracker().lookup(parsed).orElseThrow().result().status())
          .isEqualTo(TrackingStatus.DELIVERED);

      app.ingestion()
          .ingest(
              batch(scan("d3", number, EventType.RETURN_TO_SENDER, "2026-11-28T22:00:00-05:00")));
      TrackingResult result = app.tracker().lookup(parsed).orElseThrow().result();
      assertThat(result.status()).isEqualTo(TrackingStatus.RETURN_TO_SENDER);
      assertThat(result.deliveredAt()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void concurrentBatchesForOnePieceLoseNoScan(StoreKind kind) throws Exception {
    try (App app = open(kind)) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      String number = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        work.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 10; i++) {
                    String time =
                        Instant.parse("2026-11-27T00:00:00Z")
                            .plusSeconds(60L * (i * 4 + thread))
                            .atOffset(java.time.ZoneOffset.UTC)
                            .toString();
                    app.ingestion()
                        .ingest(
                            batch(scan("t" + thread + "-" + i, number, EventType.ARRIVED, time)));
                  }
                  return null;
                }));
      }
      for (Future<?> f : work) {
        f.get();
      }
      pool.shutdown();
      app.ingestion()
          .ingest(batch(scan("last", number, EventType.OUT_FOR_DELIVERY, "2026-11-27T01:00:00Z")));
      TrackingResult result =
          app.tracker().lookup(TrackingNumber.parse(number)).orElseThrow().result();
      assertThat(result.events()).hasSize(41);
      assertThat(result.status()).isEqualTo(TrackingStatus.OUT_FOR_DELIVERY);
      Set<String> distinctTimes = new HashSet<>();
      result.events().forEach(e -> distinctTimes.add(e.time().toString()));
      assertThat(distinctTimes).hasSize(41);
    }
  }

  /**
   * A shipper's retry may resend a batch, reordered, while the first send is still being stored.
   * Two transactions inserting the same event ids in opposite orders would each wait for the
   * other's uncommitted ids: a deadlock, which PostgreSQL breaks by failing one of them.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aBatchResentReorderedWhileStillBeingStoredIsStoredOnce(StoreKind kind) throws Exception {
    try (App app = open(kind)) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      List<String> numbers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        numbers.add(app.shipments().register(shipper, priorityToFairfax()).trackingNumber());
      }
      ExecutorService pool = Executors.newFixedThreadPool(2);
      for (int round = 0; round < 10; round++) {
        List<ScanEvent> scans = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
          String time =
              Instant.parse("2026-11-20T00:00:00Z")
                  .plusSeconds(3600L * round + i)
                  .atOffset(java.time.ZoneOffset.UTC)
                  .toString();
          scans.add(scan("r" + round + "-" + i, numbers.get(i % 20), EventType.ARRIVED, time));
        }
        List<ScanEvent> reordered = new ArrayList<>(scans);
        Collections.reverse(reordered);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<EventIngestion.Outcome>> sends = new ArrayList<>();
        for (List<ScanEvent> send : List.of(scans, reordered)) {
          sends.add(
              pool.submit(
                  () -> {
                    go.await();
                    return app.ingestion().ingest(batch(send.toArray(ScanEvent[]::new)));
                  }));
        }
        go.countDown();
        int accepted = 0;
        for (Future<EventIngestion.Outcome> send : sends) {
          EventIngestion.Outcome outcome = send.get();
          assertThat(outcome.rejected()).isEmpty();
          accepted += outcome.accepted();
        }
        assertThat(accepted).as("round %d", round).isEqualTo(400);
      }
      pool.shutdown();
      assertThat(Sql.longValue(app.database(), "SELECT COUNT(*) FROM scan_events")).isEqualTo(4000);
    }
  }

  /**
   * A batch's COPY meets an event id that another transaction is still inserting: it waits for that
   * one, falls back to inserting scan by scan, and judges the id by what was stored: the same scan
   * is a duplicate, another scan under that id a conflict (event ids are per account).
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anEventIdStoredMeanwhileIsADuplicateOrAConflict(StoreKind kind) throws Exception {
    try (App app = open(kind)) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      var first = app.shipments().register(shipper, priorityToFairfax());
      var second = app.shipments().register(shipper, priorityToFairfax());
      ScanEvent shared =
          scan("shared", second.trackingNumber(), EventType.ACCEPTED, "2026-11-27T09:00:00Z");
      ScanEvent other =
          scan("other", first.trackingNumber(), EventType.ACCEPTED, "2026-11-27T09:00:00Z");
      CountDownLatch commit = new CountDownLatch(1);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      // Another writer stores "shared" (the very scan the batch resends) and "other" (for the
      // first piece) and holds its transaction open, so the batch meets both mid-insert.
      Held held = storeAndHold(pool, app, List.of(shared, other), commit);
      Waiter<EventIngestion.Outcome> batch =
          Waiter.start(
              () ->
                  app.ingestion()
                      .ingest(
                          batch(
                              shared,
                              scan(
                                  "own",
                                  second.trackingNumber(),
                                  EventType.ARRIVED,
                                  "2026-11-27T15:00:00Z"),
                              scan(
                                  "other",
                                  second.trackingNumber(),
                                  EventType.ARRIVED,
                                  "2026-11-27T16:00:00Z"))));
      awaitWaitingFor(app, held, batch);
      commit.countDown();
      held.committed().get();
      EventIngestion.Outcome outcome = batch.result().get();
      pool.shutdown();
      assertThat(outcome.accepted()).isEqualTo(1);
      assertThat(outcome.duplicates()).isEqualTo(1);
      assertThat(outcome.rejected())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.index()).isEqualTo(2);
                assertThat(r.type()).isEqualTo(ProblemType.CONFLICT);
                assertThat(r.detail()).contains("'other'");
              });
      TrackingResult result =
          app.tracker()
              .lookup(TrackingNumber.parse(second.trackingNumber()))
              .orElseThrow()
              .result();
      assertThat(result.events()).hasSize(2);
      assertThat(result.status()).isEqualTo(TrackingStatus.IN_TRANSIT);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void retentionDeletesExactlyThePiecesDeliveredBeforeTheCutoff(StoreKind kind) {
    try (App app = open(kind)) {
      MasterKey.createIfMissing(Path.of(app.config().privacy().masterKeyFile()));
      long shipper = app.apiKeys().create("Acme").shipper().id();
      // registered in June, and all but one delivered then; more than one chunk of candidates
      // (500) delivered long ago
      clock.set(Instant.parse("2026-06-01T00:00:00Z"));
      List<String> old = new ArrayList<>();
      List<ScanEvent> june = new ArrayList<>();
      for (int i = 0; i < 510; i++) {
        String number = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
        old.add(number);
        june.add(scan("o-a-" + i, number, EventType.ACCEPTED, "2026-06-01T09:00:00Z"));
        june.add(scan("o-d-" + i, number, EventType.DELIVERED, "2026-06-03T15:00:00-04:00"));
      }
      String recent = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
      String returned = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
      String moving = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
      june.add(scan("t-d", returned, EventType.DELIVERED, "2026-06-03T15:00:00Z"));
      june.add(scan("t-r", returned, EventType.RETURN_TO_SENDER, "2026-06-10T15:00:00Z"));
      june.add(scan("m-a", moving, EventType.ACCEPTED, "2026-06-01T09:00:00Z"));
      clock.set(Instant.parse("2026-06-10T16:00:00Z"));
      int accepted = app.ingestion().ingest(batch(june.toArray(ScanEvent[]::new))).accepted();
      // delivered in June by the scan's own time, but the scan only came in November
      clock.set(Instant.parse("2026-11-20T15:00:00Z"));
      accepted +=
          app.ingestion()
              .ingest(batch(scan("r-d", recent, EventType.DELIVERED, "2026-06-20T15:00:00Z")))
              .accepted();
      clock.set(NOW);
      assertThat(accepted).isEqualTo(1024);

      // kept 120 days (the default) after the delivery scan came in: the cutoff is 2026-08-01
      assertThat(app.retention().run(NOW).shipmentsDeleted()).isEqualTo(510);

      assertThat(app.tracker().lookup(TrackingNumber.parse(old.get(0)))).isEmpty();
      assertThat(app.tracker().lookup(TrackingNumber.parse(old.get(509)))).isEmpty();
      for (String kept : List.of(recent, returned, moving)) {
        assertThat(app.tracker().lookup(TrackingNumber.parse(kept))).isPresent();
      }
      assertThat(Sql.longValue(app.database(), "SELECT COUNT(*) FROM shipments")).isEqualTo(3);
      assertThat(Sql.longValue(app.database(), "SELECT COUNT(*) FROM scan_events")).isEqualTo(4);
      assertThat(app.retention().run(NOW).shipmentsDeleted()).isZero();
    }
  }

  /**
   * The piece's row keeps when its newest delivery scan was received, whatever time the scans claim
   * and whatever order they arrive in: retention counts from there, so that a back-dated delivery
   * scan cannot get a piece deleted early.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void thePieceRowKeepsWhenTheNewestDeliveryScanWasReceived(StoreKind kind) {
    try (App app = open(kind)) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      clock.set(Instant.parse("2026-06-01T00:00:00Z"));
      String number = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
      String deliveredAt =
          "SELECT delivered_at FROM shipments WHERE tracking_number = '" + number + "'";

      Instant firstIn = Instant.parse("2026-06-06T00:00:00Z");
      clock.set(firstIn);
      app.ingestion()
          .ingest(batch(scan("d-jun5", number, EventType.DELIVERED, "2026-06-05T15:00:00Z")));
      assertThat(Sql.longValue(app.database(), deliveredAt)).isEqualTo(firstIn.toEpochMilli());

      Instant laterIn = Instant.parse("2026-06-07T00:00:00Z");
      clock.set(laterIn);
      app.ingestion()
          .ingest(batch(scan("d-jun3", number, EventType.DELIVERED, "2026-06-03T15:00:00Z")));
      assertThat(Sql.longValue(app.database(), deliveredAt)).isEqualTo(laterIn.toEpochMilli());

      clock.set(NOW);
      app.ingestion()
          .ingest(
              batch(
                  scan("a-nov", number, EventType.ARRIVED, "2026-06-20T10:00:00Z"),
                  scan("d-nov", number, EventType.DELIVERED, "2026-06-20T15:00:00Z")));
      assertThat(Sql.longValue(app.database(), deliveredAt)).isEqualTo(NOW.toEpochMilli());
      assertThat(
              app.tracker()
                  .lookup(TrackingNumber.parse(number))
                  .orElseThrow()
                  .result()
                  .deliveredAt())
          .as("the public still sees the time the delivery scan gives")
          .hasToString("2026-06-20T15:00Z");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void retentionRacingABatchLeavesNoScanWithoutItsPiece(StoreKind kind) throws Exception {
    try (App app = open(kind)) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      clock.set(Instant.parse("2026-06-01T00:00:00Z"));
      var piece = app.shipments().register(shipper, priorityToFairfax());
      String number = piece.trackingNumber();
      clock.set(Instant.parse("2026-06-03T16:00:00Z"));
      app.ingestion()
          .ingest(
              batch(
                  scan("accepted", number, EventType.ACCEPTED, "2026-06-01T09:00:00Z"),
                  scan("delivered", number, EventType.DELIVERED, "2026-06-03T15:00:00Z")));
      clock.set(NOW);
      MasterKey.createIfMissing(Path.of(app.config().privacy().masterKeyFile()));
      CountDownLatch commit = new CountDownLatch(1);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      // A batch that has locked the piece, as ingestion does first, and stored a late scan for it,
      // holds its transaction open while retention comes for the piece. Scans carry no foreign
      // key since V11: only retention's lock on the piece, taken before it reads the piece's
      // scans, keeps this one from outliving it.
      Held late =
          storeAndHold(
              pool,
              app,
              List.of(scan("late", number, EventType.ARRIVED, "2026-06-04T09:00:00Z")),
              commit);
      Waiter<Retention.Report> retention = Waiter.start(() -> app.retention().run(NOW));
      awaitWaitingFor(app, late, retention);
      assertThat(retention.result()).isNotDone();
      commit.countDown();
      late.committed().get();
      assertThat(retention.result().get().shipmentsDeleted()).isEqualTo(1);
      pool.shutdown();
      assertThat(Sql.longValue(app.database(), "SELECT COUNT(*) FROM shipments")).isZero();
      assertThat(Sql.longValue(app.database(), "SELECT COUNT(*) FROM scan_events")).isZero();
    }
  }

  /** A transaction {@link #storeAndHold} keeps open, and its PostgreSQL backend (0 on SQLite). */
  private record Held(int backend, Future<?> committed) {}

  /**
   * In a transaction of its own, locks the pieces of {@code scans} (the newest under each number)
   * as ingestion does and stores the scans for them, under their owners' accounts and no key;
   * returns once it has, and commits once {@code commit} opens.
   */
  private static Held storeAndHold(
      ExecutorService pool, App app, List<ScanEvent> scans, CountDownLatch commit)
      throws Exception {
    CompletableFuture<Integer> stored = new CompletableFuture<>();
    Future<?> committed =
        pool.submit(
            () ->
                app.database()
                    .inTransaction(
                        c -> {
                          // the lock ingestion takes (FOR KEY SHARE on PostgreSQL)
                          var locked =
                              new TrackingStore(app.database().dialect())
                                  .latestPieces(
                                      c,
                                      scans.stream().map(e -> e.trackingNumber().value()).toList());
                          try (var ps =
                              c.prepareStatement(
                                  "INSERT INTO scan_events (event_id, account_id, shipment_id,"
                                      + " tracking_number, type, event_time, event_time_offset,"
                                      + " description, city, region, postal_code, country,"
                                      + " received_at)"
                                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
                            for (ScanEvent e : scans) {
                              var piece = locked.get(e.trackingNumber().value());
                              ps.setString(1, e.eventId());
                              ps.setLong(2, piece.owner());
                              ps.setLong(3, piece.id());
                              ps.setString(4, piece.trackingNumber());
                              ps.setString(5, e.type().name());
                              ps.setLong(6, e.time().toInstant().toEpochMilli());
                              ps.setInt(7, e.time().getOffset().getTotalSeconds());
                              ps.setString(8, e.description());
                              ps.setString(9, e.location().city());
                              ps.setString(10, e.location().region());
                              ps.setString(11, e.location().postalCode());
                              ps.setString(12, e.location().country());
                              ps.executeUpdate();
                            }
                          }
                          stored.complete(backend(app, c));
                          try {
                            commit.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          return null;
                        }));
    try {
      return new Held(stored.get(10, TimeUnit.SECONDS), committed);
    } catch (TimeoutException e) {
      committed.cancel(true);
      throw new AssertionError("the holding transaction did not store its scans", e);
    }
  }

  private static int backend(App app, Connection c) throws SQLException {
    if (app.database().dialect() != Dialect.POSTGRESQL) {
      return 0;
    }
    try (var ps = c.prepareStatement("SELECT pg_backend_pid()");
        var rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Work on a thread of its own, so that a test can see where that thread waits. */
  private record Waiter<T>(Thread thread, FutureTask<T> result) {
    static <T> Waiter<T> start(Callable<T> work) {
      FutureTask<T> result = new FutureTask<>(work);
      return new Waiter<>(Thread.ofPlatform().name("waiter").start(result), result);
    }
  }

  /**
   * Returns once {@code waiter} waits for a lock that {@code holder} holds; fails if it has not
   * within ten seconds, or finished instead. PostgreSQL shows its lock waits ({@code
   * pg_blocking_pids}, read from pg_locks). SQLite shows none, but there a writer waits in one
   * place only: in BEGIN IMMEDIATE, which the driver runs when a transaction starts ({@code
   * setAutoCommit(false)}) and which cannot return while another writer holds the database's write
   * lock (until the busy timeout, 15 s).
   */
  private static void awaitWaitingFor(App app, Held holder, Waiter<?> waiter) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!waitsFor(app, holder, waiter.thread())) {
      if (waiter.result().isDone()) {
        throw new AssertionError("finished without waiting for the held transaction");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not waiting for the held transaction after 10 s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // between polls
    }
  }

  private static boolean waitsFor(App app, Held holder, Thread waiter) {
    if (app.database().dialect() == Dialect.POSTGRESQL) {
      return Sql.longValue(
              app.database(),
              "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
                  + holder.backend()
                  + " = ANY (pg_blocking_pids(pid))")
          > 0;
    }
    for (StackTraceElement frame : waiter.getStackTrace()) {
      if (frame.getClassName().startsWith("org.sqlite.")
          && frame.getMethodName().equals("setAutoCommit")) {
        return true;
      }
    }
    return false;
  }
}
