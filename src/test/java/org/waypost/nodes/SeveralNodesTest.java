package org.waypost.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.App;
import org.waypost.config.WaypostConfig;
import org.waypost.governance.LegalProcess;
import org.waypost.governance.LegalRequests;
import org.waypost.governance.Operator;
import org.waypost.governance.Role;
import org.waypost.keys.DayKeyDestroyedException;
import org.waypost.testing.Fixtures;
import org.waypost.testing.MutableClock;
import org.waypost.testing.RedisServer;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.ShipmentRegistry;
import org.waypost.tracking.TrackingNumber;
import org.waypost.visitor.SecurityLogStore;

/**
 * Two Waypost nodes in one test, as an operator runs them: one PostgreSQL database, one key folder
 * and one Redis, each node serving on its own port. Every guarantee holds across them as on one.
 */
class SeveralNodesTest {
  private static final String GUESSER = "203.0.113.50";
  private static final String LONE_GUESSER = "198.51.100.50";
  private static final String VISITOR = "2001:db8::42";

  @TempDir Path dir;
  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private RedisServer redis;
  private final List<TestApp> nodes = new ArrayList<>();

  @BeforeEach
  void twoNodes() {
    redis = RedisServer.start(dir);
    Map<String, String> overrides = new HashMap<>(StoreKind.POSTGRESQL.freshStore(dir));
    overrides.put("server.port", "0");
    overrides.put("server.trustedProxies", "127.0.0.0/8,::1");
    overrides.put("abuse.redisUrl", redis.url());
    WaypostConfig config = TestApp.config(overrides);
    nodes.add(TestApp.start(config, clock));
    nodes.add(TestApp.start(config, clock));
  }

  @AfterEach
  void stop() {
    nodes.forEach(TestApp::close);
    if (redis != null) {
      redis.close();
    }
  }

  private static String unknown(int i) {
    return TrackingNumber.issueImpb("055", "654321", 900_000 + i).value();
  }

  private static TestApp.Response lookup(TestApp node, String client, String number) {
    return node.get("/api/v1/tracking/" + number, "X-Forwarded-For", client);
  }

  /**
   * The index of the first refused lookup of unknown numbers, sending request i to nodes[i % n].
   */
  private static int firstRefusal(List<TestApp> to, String client, int offset) {
    for (int i = 0; i < 60; i++) {
      var response = lookup(to.get(i % to.size()), client, unknown(offset + i));
      if (response.status() == 429) {
        return i;
      }
      assertThat(response.status()).isEqualTo(404);
    }
    return -1;
  }

  @Test
  void aGuesserAlternatingBetweenNodesIsBlockedAtTheSameCountAsOnOneAndOnBoth() {
    int alone = firstRefusal(List.of(nodes.get(0)), LONE_GUESSER, 0);
    int alternating = firstRefusal(nodes, GUESSER, 1_000);

    assertThat(alone).isPositive();
    assertThat(alternating).isEqualTo(alone);
    // the block made on one node holds on the other at once
    for (TestApp node : nodes) {
      var response = lookup(node, GUESSER, unknown(5_000));
      assertThat(response.status()).isEqualTo(429);
      assertThat(response.json().get("type").asText()).isEqualTo("/problems/blocked");
    }
  }

  @Test
  void aLegalRequestOnOneNodeDisclosesAnAddressCapturedOnAnother() {
    String number = unknown(7);
    assertThat(lookup(nodes.get(0), VISITOR, number).status()).isEqualTo(404);
    nodes.get(0).app().capture().flush();

    App b = nodes.get(1).app();
    LegalRequests legal =
        new LegalRequests(
            b.database(),
            b.audit(),
            b.keys(),
            new SecurityLogStore(b.database().dialect()),
            clock,
            b.config().privacy().securityLogRetentionDays());
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    var filed =
        legal.file(
            new Operator(1, "lena", Set.of(Role.LEGAL)),
            new LegalRequests.Filing(
                "Western District Court",
                LegalProcess.SUBPOENA,
                "2026-GJ-0042",
                List.of(number),
                today,
                today));
    legal.approve(filed.id(), new Operator(2, "priya", Set.of(Role.PRIVACY)));
    var disclosure = legal.execute(filed.id(), new Operator(1, "lena", Set.of(Role.LEGAL)));

    assertThat(disclosure.records()).hasSize(1);
    assertThat(disclosure.csv()).contains(VISITOR);
  }

  @Test
  void aDayDestroyedOnOneNodeIsUnreadableOnAll() {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    assertThat(lookup(nodes.get(0), VISITOR, unknown(1)).status()).isEqualTo(404);
    nodes.get(0).app().capture().flush();
    assertThat(nodes.get(1).app().keys().existing(today)).isPresent();

    nodes.get(0).app().keys().destroyBefore(today.plusDays(1));

    for (TestApp node : nodes) {
      assertThat(node.app().keys().existing(today)).isEmpty();
      assertThatThrownBy(() -> node.app().keys().day(today))
          .isInstanceOf(DayKeyDestroyedException.class);
    }
  }

  @Test
  void twoNodesRegisteringAtOnceIssueEveryNumberOnce() throws Exception {
    long shipper = nodes.get(0).app().apiKeys().create("Acme").shipper().id();
    Set<String> issued = ConcurrentHashMap.newKeySet();
    List<Future<?>> work = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(6)) {
      for (int t = 0; t < 6; t++) {
        ShipmentRegistry registry = nodes.get(t % 2).app().shipments();
        work.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 30; i++) {
                    issued.add(
                        registry.register(shipper, Fixtures.priorityToFairfax()).trackingNumber());
                  }
                }));
      }
      for (Future<?> f : work) {
        f.get();
      }
    }
    assertThat(issued).hasSize(180);
  }

  @Test
  void withRedisDownEachNodeKeepsServingAndLimitsOnItsOwn() {
    redis.close();

    assertThat(lookup(nodes.get(0), VISITOR, unknown(1)).status()).isEqualTo(404);
    assertThat(firstRefusal(List.of(nodes.get(1)), LONE_GUESSER, 0))
        .isEqualTo(nodes.get(1).app().config().abuse().failures());
  }
}
