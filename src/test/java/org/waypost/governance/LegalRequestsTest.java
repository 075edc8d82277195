package org.waypost.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.App;
import org.waypost.config.WaypostConfig;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.governance.LegalRequests.Disclosure;
import org.waypost.governance.LegalRequests.Filing;
import org.waypost.governance.LegalRequests.LegalRequest;
import org.waypost.keys.MasterKey;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;
import org.waypost.visitor.GeoIp;
import org.waypost.visitor.Outcome;
import org.waypost.visitor.RouteClass;
import org.waypost.visitor.SecurityLogStore;
import org.waypost.visitor.TrafficCounts;
import org.waypost.visitor.UserAgents;
import org.waypost.visitor.Visit;
import org.waypost.visitor.VisitorLog;

/**
 * Legal requests and the transparency report on SQLite and a real PostgreSQL, through the services:
 * the dual-authorization rule, the narrow scope, the states, execution that reaches only retained
 * days and says so for the others, disclosures that are never stored, and the public counts.
 */
class LegalRequestsTest {
  private static final Instant START = Instant.parse("2026-11-20T10:00:00Z");
  private static final LocalDate DAY = LocalDate.parse("2026-11-20");
  private static final String FIREFOX =
      "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
  private static final String ALICE_IP = "203.0.113.21";
  private static final String BOB_IP = "2001:db8::42";
  private static final String OTHER_IP = "198.51.100.9";

  private static final Operator LENA = new Operator(1, "lena", Set.of(Role.LEGAL));
  private static final Operator PRIYA = new Operator(2, "priya", Set.of(Role.PRIVACY));
  private static final Operator PAT = new Operator(3, "pat", Set.of(Role.PRIVACY));
  private static final Operator LEE = new Operator(4, "lee", Set.of(Role.LEGAL, Role.PRIVACY));
  private static final Operator ADA = new Operator(5, "ada", Set.of(Role.ADMIN));
  private static final Operator SAM = new Operator(6, "sam", Set.of(Role.SECURITY));

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(START);
  private StoreKind kind;
  private App app;
  private LegalRequests requests;
  private Transparency transparency;
  private VisitorLog visitorLog;

  private void open(StoreKind kind) {
    this.kind = kind;
    WaypostConfig config = TestApp.config(kind.freshStore(dir));
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    app = App.open(config, clock);
    SecurityLogStore securityLog = new SecurityLogStore(app.database().dialect());
    requests = new LegalRequests(app.database(), app.audit(), app.keys(), securityLog, clock, 7);
    transparency = new Transparency(app.database(), app.audit(), clock);
    visitorLog =
        new VisitorLog(
            app.database(),
            securityLog,
            new TrafficCounts(),
            app.keys(),
            new UserAgents(),
            GeoIp.none(),
            true);
  }

  @AfterEach
  void close() {
    if (app != null) {
      app.close();
    }
  }

  // ---- fixtures

  private static String number(int serial) {
    return TrackingNumber.issueImpb("055", "654321", 7_000 + serial).value();
  }

  /** A lookup of {@code numbers} from {@code ip} at {@code time}, as the capture records it. */
  private void lookup(String time, String ip, String... numbers) {
    List<Visit.Lookup> lookups = new ArrayList<>();
    for (String n : numbers) {
      lookups.add(new Visit.Lookup(n, Outcome.NOT_FOUND));
    }
    try {
      visitorLog.record(
          List.of(
              new Visit(
                  Instant.parse(time),
                  RouteClass.TRACKING_API,
                  404,
                  1_000,
                  InetAddress.getByName(ip),
                  FIREFOX,
                  null,
                  "localhost",
                  false,
                  null,
                  lookups)));
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static Filing subpoena(List<String> numbers, String from, String to) {
    return new Filing(
        "Western District Court",
        LegalProcess.SUBPOENA,
        "2026-GJ-0042",
        numbers,
        LocalDate.parse(from),
        LocalDate.parse(to));
  }

  private static Filing subpoenaFor(String number) {
    return subpoena(List.of(number), DAY.toString(), DAY.toString());
  }

  private LegalRequest approved(Filing filing) {
    LegalRequest filed = requests.file(LENA, filing);
    return requests.approve(filed.id(), PRIYA);
  }

  private static void assertProblem(ThrowingCallable call, ProblemType type, String... detail) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.type()).as(e.detail()).isEqualTo(type);
              if (detail.length > 0) {
                assertThat(e.detail()).contains(detail);
              }
            });
  }

  private List<AuditLog.Entry> auditEntries() {
    return app.audit().list(0, 1000);
  }

  /** Every value of every table, as text: what a database dump would show. */
  private String everythingStored() {
    return app.database()
        .read(
            c -> {
              StringBuilder dump = new StringBuilder();
              List<String> tables = new ArrayList<>();
              try (ResultSet rs =
                  c.getMetaData()
                      .getTables(
                          null,
                          kind == StoreKind.POSTGRESQL ? "public" : null,
                          "%",
                          new String[] {"TABLE"})) {
                while (rs.next()) {
                  tables.add(rs.getString("TABLE_NAME"));
                }
              }
              assertThat(tables).contains("legal_requests", "audit_log", "security_log");
              for (String table : tables) {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT * FROM " + table)) {
                  ResultSetMetaData meta = rs.getMetaData();
                  while (rs.next()) {
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                      dump.append(rs.getString(i)).append('|');
                    }
                    dump.append('\n');
                  }
                }
              }
              return dump.toString();
            });
  }

  // ---- filing

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aFiledRequestIsPendingWithItsNumbersNormalizedAndIsAudited(StoreKind kind) {
    open(kind);
    String a = number(1);
    String b = "RB123456785GB";
    String spaced = a.substring(0, 4) + " " + a.substring(4, 12) + "-" + a.substring(12);

    LegalRequest filed =
        requests.file(
            LENA,
            new Filing(
                "  Western District Court ",
                LegalProcess.SUBPOENA,
                " 2026-GJ-0042 ",
                List.of(spaced, "rb 123 456 785 gb", a, "420" + "22032" + a),
                LocalDate.parse("2026-11-13"),
                DAY));

    assertThat(filed.status()).isEqualTo(LegalStatus.PENDING);
    assertThat(filed.emergency()).isFalse();
    assertThat(filed.authority()).isEqualTo("Western District Court");
    assertThat(filed.caseReference()).isEqualTo("2026-GJ-0042");
    assertThat(filed.trackingNumbers()).containsExactly(a, b);
    assertThat(filed.filedBy()).isEqualTo("lena");
    assertThat(filed.filedAt()).isEqualTo(START);
    assertThat(filed.decidedBy()).isNull();
    assertThat(filed.recordsDisclosed()).isNull();
    assertThat(requests.find(filed.id())).contains(filed);
    assertThat(requests.find(filed.id() + 1)).isEmpty();

    LegalRequest second = requests.file(LENA, subpoenaFor(a));
    assertThat(requests.list(10)).containsExactly(second, filed);
    assertThat(requests.list(1)).containsExactly(second);

    AuditLog.Entry entry = auditEntries().getFirst();
    assertThat(entry.action()).isEqualTo("legal.file");
    assertThat(entry.actor()).isEqualTo("lena");
    assertThat(entry.target()).isEqualTo("legal-request:" + filed.id());
    assertThat(entry.details())
        .contains("\"legalProcess\":\"SUBPOENA\"")
        .contains("2026-GJ-0042")
        .contains(a)
        .contains("\"from\":\"2026-11-13\"");
    assertThat(app.audit().verify().intact()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anEmergencyRequestIsMarkedAndStillNeedsApproval(StoreKind kind) {
    open(kind);
    String n = number(1);
    lookup("2026-11-20T08:00:00Z", ALICE_IP, n);
    LegalRequest filed =
        requests.file(
            LENA,
            new Filing("County Sheriff", LegalProcess.EMERGENCY, "EM-7", List.of(n), DAY, DAY));

    assertThat(filed.emergency()).isTrue();
    assertThat(filed.process()).isEqualTo(LegalProcess.EMERGENCY);
    assertProblem(() -> requests.execute(filed.id(), LENA), ProblemType.CONFLICT, "pending");
    assertThat(requests.approve(filed.id(), PRIYA).status()).isEqualTo(LegalStatus.APPROVED);
    assertThat(requests.execute(filed.id(), LENA).records()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aFilingIsCheckedFieldByField(StoreKind kind) {
    open(kind);
    String n = number(1);
    List<String> valid = List.of(n);
    LocalDate from = LocalDate.parse("2026-11-01");

    assertProblem(
        () -> requests.file(LENA, new Filing(" ", LegalProcess.OTHER, "C", valid, from, DAY)),
        ProblemType.VALIDATION_FAILED,
        "authority");
    assertProblem(
        () ->
            requests.file(
                LENA, new Filing("x".repeat(201), LegalProcess.OTHER, "C", valid, from, DAY)),
        ProblemType.VALIDATION_FAILED,
        "authority",
        "200");
    assertThat(
            requests.file(
                LENA, new Filing("x".repeat(200), LegalProcess.OTHER, "C", valid, from, DAY)))
        .isNotNull();
    assertProblem(
        () ->
            requests.file(
                LENA, new Filing("Court\u0000", LegalProcess.OTHER, "C", valid, from, DAY)),
        ProblemType.VALIDATION_FAILED,
        "authority");
    assertProblem(
        () -> requests.file(LENA, new Filing("Court", null, "C", valid, from, DAY)),
        ProblemType.VALIDATION_FAILED,
        "legalProcess",
        "SEARCH_WARRANT");
    assertProblem(
        () -> requests.file(LENA, new Filing("Court", LegalProcess.OTHER, null, valid, from, DAY)),
        ProblemType.VALIDATION_FAILED,
        "caseReference");
    assertProblem(
        () ->
            requests.file(
                LENA, new Filing("Court", LegalProcess.OTHER, "c".repeat(101), valid, from, DAY)),
        ProblemType.VALIDATION_FAILED,
        "caseReference",
        "100");

    assertProblem(
        () -> requests.file(LENA, new Filing("Court", LegalProcess.OTHER, "C", null, from, DAY)),
        ProblemType.VALIDATION_FAILED,
        "trackingNumbers",
        "1 to 35");
    assertProblem(
        () ->
            requests.file(
                LENA, new Filing("Court", LegalProcess.OTHER, "C", List.of(" ", "-"), from, DAY)),
        ProblemType.VALIDATION_FAILED,
        "trackingNumbers");
    List<String> thirtySix = new ArrayList<>();
    for (int i = 0; i < 36; i++) {
      thirtySix.add(number(i));
    }
    assertProblem(
        () -> requests.file(LENA, subpoena(thirtySix, "2026-11-01", "2026-11-20")),
        ProblemType.VALIDATION_FAILED,
        "trackingNumbers",
        "36");
    List<String> thirtyFiveTwice = new ArrayList<>(thirtySix.subList(0, 35));
    thirtyFiveTwice.addAll(thirtySix.subList(0, 35));
    assertThat(
            requests
                .file(LENA, subpoena(thirtyFiveTwice, "2026-11-01", "2026-11-20"))
                .trackingNumbers())
        .hasSize(35);
    String typo = n.substring(0, n.length() - 1) + (n.endsWith("0") ? "1" : "0");
    assertThatThrownBy(
            () -> requests.file(LENA, subpoena(List.of(n, typo), "2026-11-01", "2026-11-20")))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.type()).isEqualTo(ProblemType.INVALID_TRACKING_NUMBER);
              assertThat(e.detail()).contains("trackingNumbers", typo, "check digit");
              assertThat(e.extensions()).containsEntry("trackingNumber", typo);
            });

    assertProblem(
        () -> requests.file(LENA, new Filing("Court", LegalProcess.OTHER, "C", valid, null, DAY)),
        ProblemType.VALIDATION_FAILED,
        "from");
    assertProblem(
        () -> requests.file(LENA, new Filing("Court", LegalProcess.OTHER, "C", valid, from, null)),
        ProblemType.VALIDATION_FAILED,
        "to");
    assertProblem(
        () -> requests.file(LENA, subpoena(valid, "2026-11-20", "2026-11-19")),
        ProblemType.VALIDATION_FAILED,
        "from",
        "after to");
    assertProblem(
        () -> requests.file(LENA, subpoena(valid, "2026-10-20", "2026-11-20")),
        ProblemType.VALIDATION_FAILED,
        "32 days",
        "31");
    assertThat(requests.file(LENA, subpoena(valid, "2026-10-21", "2026-11-20"))).isNotNull();
    assertProblem(
        () -> requests.file(LENA, subpoena(valid, "2026-11-20", "2026-11-21")),
        ProblemType.VALIDATION_FAILED,
        "to",
        "future");
    assertProblem(
        () -> requests.file(LENA, subpoena(valid, "2026-11-21", "2026-11-21")),
        ProblemType.VALIDATION_FAILED,
        "from",
        "future");
    assertProblem(() -> requests.file(LENA, null), ProblemType.VALIDATION_FAILED);

    assertThat(requests.list(100)).as("only the valid filings were stored").hasSize(3);
    assertThat(auditEntries())
        .extracting(AuditLog.Entry::action)
        .containsOnly("legal.file")
        .hasSize(3);
  }

  // ---- who may do what

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void eachStepNeedsItsRole(StoreKind kind) {
    open(kind);
    Filing filing = subpoenaFor(number(1));
    for (Operator notLegal : List.of(PRIYA, ADA, SAM)) {
      assertProblem(() -> requests.file(notLegal, filing), ProblemType.FORBIDDEN, "legal role");
    }
    LegalRequest filed = requests.file(LENA, filing);
    for (Operator notPrivacy : List.of(LENA, ADA, SAM)) {
      assertProblem(
          () -> requests.approve(filed.id(), notPrivacy), ProblemType.FORBIDDEN, "privacy role");
      assertProblem(
          () -> requests.reject(filed.id(), notPrivacy, "no"),
          ProblemType.FORBIDDEN,
          "privacy role");
    }
    requests.approve(filed.id(), PRIYA);
    for (Operator notLegal : List.of(PRIYA, ADA, SAM)) {
      assertProblem(
          () -> requests.execute(filed.id(), notLegal), ProblemType.FORBIDDEN, "legal role");
    }
    assertThat(requests.find(filed.id()).orElseThrow().status()).isEqualTo(LegalStatus.APPROVED);
    assertThat(requests.execute(filed.id(), LEE).request().executedBy()).isEqualTo("lee");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theOperatorWhoFiledARequestCannotDecideIt(StoreKind kind) {
    open(kind);
    LegalRequest filed = requests.file(LEE, subpoenaFor(number(1)));

    assertProblem(
        () -> requests.approve(filed.id(), LEE),
        ProblemType.FORBIDDEN,
        "the operator who filed a request cannot decide it");
    assertProblem(
        () -> requests.reject(filed.id(), LEE, "changed my mind"),
        ProblemType.FORBIDDEN,
        "the operator who filed a request cannot decide it");
    assertThat(requests.find(filed.id()).orElseThrow().status()).isEqualTo(LegalStatus.PENDING);
    assertThat(auditEntries()).extracting(AuditLog.Entry::action).containsExactly("legal.file");

    LegalRequest approved = requests.approve(filed.id(), PRIYA);
    assertThat(approved.decidedBy()).isEqualTo("priya");
    assertThat(approved.decidedAt()).isEqualTo(START);
    assertThat(approved.status()).isEqualTo(LegalStatus.APPROVED);
  }

  // ---- states

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void decisionsAndExecutionFollowTheStates(StoreKind kind) {
    open(kind);
    String n = number(1);
    assertProblem(() -> requests.approve(999, PRIYA), ProblemType.NOT_FOUND, "999");
    assertProblem(() -> requests.reject(999, PRIYA, "no"), ProblemType.NOT_FOUND, "999");
    assertProblem(() -> requests.execute(999, LENA), ProblemType.NOT_FOUND, "999");

    LegalRequest first = requests.file(LENA, subpoenaFor(n));
    assertProblem(() -> requests.execute(first.id(), LENA), ProblemType.CONFLICT, "pending");
    assertProblem(
        () -> requests.reject(first.id(), PRIYA, "  "), ProblemType.VALIDATION_FAILED, "reason");
    assertProblem(
        () -> requests.reject(first.id(), PRIYA, null), ProblemType.VALIDATION_FAILED, "reason");
    assertProblem(
        () -> requests.reject(first.id(), PRIYA, "x".repeat(501)),
        ProblemType.VALIDATION_FAILED,
        "reason",
        "500");
    requests.approve(first.id(), PRIYA);
    assertProblem(() -> requests.approve(first.id(), PAT), ProblemType.CONFLICT, "approved");
    assertProblem(
        () -> requests.reject(first.id(), PAT, "too broad"), ProblemType.CONFLICT, "approved");
    requests.execute(first.id(), LENA);
    assertProblem(
        () -> requests.execute(first.id(), LENA), ProblemType.CONFLICT, "executed already");
    assertProblem(() -> requests.approve(first.id(), PAT), ProblemType.CONFLICT, "executed");

    LegalRequest second = requests.file(LENA, subpoenaFor(n));
    clock.advance(Duration.ofMinutes(5));
    LegalRequest rejected = requests.reject(second.id(), PRIYA, "  Scope not justified  ");
    assertThat(rejected.status()).isEqualTo(LegalStatus.REJECTED);
    assertThat(rejected.decisionReason()).isEqualTo("Scope not justified");
    assertThat(rejected.decidedAt()).isEqualTo(START.plus(Duration.ofMinutes(5)));
    assertProblem(() -> requests.execute(second.id(), LENA), ProblemType.CONFLICT, "rejected");
    assertProblem(() -> requests.approve(second.id(), PAT), ProblemType.CONFLICT, "rejected");

    assertThat(auditEntries())
        .extracting(AuditLog.Entry::action)
        .containsExactly(
            "legal.file", "legal.approve", "legal.execute", "legal.file", "legal.reject");
    assertThat(auditEntries().getLast().details()).contains("Scope not justified");
    assertThat(app.audit().verify().intact()).isTrue();
  }

  // ---- execution

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void executionDisclosesTheRetainedRecordsOnceAndStoresOnlyCounts(StoreKind kind) {
    open(kind);
    String asked = number(1);
    String alsoAsked = number(2);
    String notInScope = number(3);
    lookup("2026-11-18T09:15:00Z", ALICE_IP, asked);
    lookup("2026-11-19T23:59:59Z", BOB_IP, alsoAsked, notInScope);
    lookup("2026-11-20T07:30:00Z", ALICE_IP, asked, alsoAsked);
    lookup("2026-11-20T08:00:00Z", OTHER_IP, notInScope);
    LegalRequest request =
        approved(subpoena(List.of(alsoAsked, asked), "2026-11-17", "2026-11-20"));
    clock.advance(Duration.ofHours(1));

    Disclosure disclosure = requests.execute(request.id(), LENA);

    assertThat(disclosure.records())
        .containsExactly(
            new Disclosure.Record(
                alsoAsked,
                LocalDate.parse("2026-11-19"),
                Instant.parse("2026-11-19T23:59:59Z"),
                BOB_IP,
                "Firefox"),
            new Disclosure.Record(
                alsoAsked, DAY, Instant.parse("2026-11-20T07:30:00Z"), ALICE_IP, "Firefox"),
            new Disclosure.Record(
                asked,
                LocalDate.parse("2026-11-18"),
                Instant.parse("2026-11-18T09:15:00Z"),
                ALICE_IP,
                "Firefox"),
            new Disclosure.Record(
                asked, DAY, Instant.parse("2026-11-20T07:30:00Z"), ALICE_IP, "Firefox"));
    assertThat(disclosure.destroyed()).isEmpty();
    LegalRequest executed = disclosure.request();
    assertThat(executed.status()).isEqualTo(LegalStatus.DISCLOSED);
    assertThat(executed.executedBy()).isEqualTo("lena");
    assertThat(executed.executedAt()).isEqualTo(START.plus(Duration.ofHours(1)));
    assertThat(executed.recordsDisclosed()).isEqualTo(4);
    assertThat(executed.daysDestroyed()).isZero();
    assertThat(requests.find(request.id())).contains(executed);

    AuditLog.Entry entry = auditEntries().getLast();
    assertThat(entry.action()).isEqualTo("legal.execute");
    assertThat(entry.actor()).isEqualTo("lena");
    assertThat(entry.details())
        .contains("\"outcome\":\"DISCLOSED\"")
        .contains("\"recordsDisclosed\":4");
    String stored = everythingStored();
    for (String ip : List.of(ALICE_IP, BOB_IP, OTHER_IP, "2001:0db8", "2001:db8:0:0")) {
      assertThat(stored).as("stored anywhere: %s", ip).doesNotContainIgnoringCase(ip);
      for (AuditLog.Entry e : auditEntries()) {
        assertThat(e.details()).doesNotContainIgnoringCase(ip);
      }
    }

    assertProblem(
        () -> requests.execute(request.id(), LENA), ProblemType.CONFLICT, "runs only once");
    assertThat(auditEntries().stream().filter(e -> e.action().equals("legal.execute")).count())
        .isEqualTo(1);
    assertThat(app.audit().verify().intact()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void daysOutsideRetentionGetAStatementInsteadOfRecords(StoreKind kind) {
    open(kind);
    String n = number(1);
    lookup("2026-11-20T08:00:00Z", ALICE_IP, n);
    lookup("2026-11-21T08:00:00Z", BOB_IP, n);
    lookup("2026-11-26T08:00:00Z", OTHER_IP, n);
    clock.set(Instant.parse("2026-11-27T09:00:00Z"));
    app.retention().run(Instant.parse("2026-11-27T00:00:00Z"));

    LegalRequest request = approved(subpoena(List.of(n), "2026-11-19", "2026-11-27"));
    Disclosure disclosure = requests.execute(request.id(), LENA);

    assertThat(disclosure.destroyed())
        .containsExactly(
            new Disclosure.DestroyedDay(
                LocalDate.parse("2026-11-19"),
                LocalDate.parse("2026-11-26"),
                "The security log of 2026-11-19 was destroyed on 2026-11-26 under the 7-day"
                    + " retention policy; no data exists for that day."),
            new Disclosure.DestroyedDay(
                DAY,
                LocalDate.parse("2026-11-27"),
                "The security log of 2026-11-20 was destroyed on 2026-11-27 under the 7-day"
                    + " retention policy; no data exists for that day."));
    assertThat(disclosure.records())
        .extracting(Disclosure.Record::ip)
        .as("the 21st to the 27th (today) are still retained")
        .containsExactly(BOB_IP, OTHER_IP);
    assertThat(disclosure.request().status()).isEqualTo(LegalStatus.DISCLOSED);
    assertThat(disclosure.request().daysDestroyed()).isEqualTo(2);
    assertThat(auditEntries().getLast().details())
        .contains("\"daysDestroyed\":2")
        .contains("\"daysSearched\":7");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRequestReachingOnlyDestroyedDaysEndsWithNoData(StoreKind kind) {
    open(kind);
    String n = number(1);
    lookup("2026-11-20T08:00:00Z", ALICE_IP, n);
    clock.set(Instant.parse("2026-11-27T09:00:00Z"));
    app.retention().run(Instant.parse("2026-11-27T00:00:00Z"));

    LegalRequest request = approved(subpoenaFor(n));
    Disclosure disclosure = requests.execute(request.id(), LENA);

    assertThat(disclosure.records()).isEmpty();
    assertThat(disclosure.destroyed())
        .extracting(Disclosure.DestroyedDay::statement)
        .containsExactly(
            "The security log of 2026-11-20 was destroyed on 2026-11-27 under the 7-day"
                + " retention policy; no data exists for that day.");
    assertThat(disclosure.request().status()).isEqualTo(LegalStatus.NO_DATA);
    assertThat(disclosure.request().recordsDisclosed()).isZero();
    assertThat(disclosure.request().daysDestroyed()).isEqualTo(1);
    assertThat(auditEntries().getLast().details()).contains("\"outcome\":\"NO_DATA\"");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRetainedDayWithoutLookupsIsNoDataWithoutAStatement(StoreKind kind) {
    open(kind);
    lookup("2026-11-20T08:00:00Z", ALICE_IP, number(2));

    Disclosure disclosure =
        requests.execute(
            approved(subpoena(List.of(number(1)), "2026-11-15", "2026-11-20")).id(), LENA);

    assertThat(disclosure.records()).isEmpty();
    assertThat(disclosure.destroyed()).isEmpty();
    assertThat(disclosure.request().status()).isEqualTo(LegalStatus.NO_DATA);
    assertThat(app.keys().existing(LocalDate.parse("2026-11-15")))
        .as("looking creates no keys")
        .isEmpty();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aDayDestroyedBeforeItsPolicyDateSaysSoWithoutADate(StoreKind kind) {
    open(kind);
    String n = number(1);
    lookup("2026-11-19T08:00:00Z", ALICE_IP, n);
    lookup("2026-11-20T08:00:00Z", BOB_IP, n);
    app.keys().destroyBefore(DAY); // as a shorter retention period once did

    Disclosure disclosure =
        requests.execute(approved(subpoena(List.of(n), "2026-11-19", "2026-11-20")).id(), LENA);

    assertThat(disclosure.destroyed()).hasSize(1);
    Disclosure.DestroyedDay gone = disclosure.destroyed().getFirst();
    assertThat(gone.day()).isEqualTo(LocalDate.parse("2026-11-19"));
    assertThat(gone.destroyedOn()).isNull();
    assertThat(gone.statement())
        .startsWith(
            "The security log of 2026-11-19 was destroyed before the end of the current 7-day")
        .endsWith("no data exists for that day.");
    assertThat(disclosure.records()).extracting(Disclosure.Record::ip).containsExactly(BOB_IP);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void twoExecutionsAtOnceDiscloseOnce(StoreKind kind) throws Exception {
    open(kind);
    String n = number(1);
    lookup("2026-11-20T08:00:00Z", ALICE_IP, n);
    long id = approved(subpoenaFor(n)).id();

    List<Object> outcomes = race(() -> requests.execute(id, LENA), () -> requests.execute(id, LEE));

    assertThat(outcomes).filteredOn(Disclosure.class::isInstance).hasSize(1);
    assertThat(outcomes)
        .filteredOn(ProblemException.class::isInstance)
        .singleElement()
        .satisfies(e -> assertThat(((ProblemException) e).type()).isEqualTo(ProblemType.CONFLICT));
    assertThat(auditEntries().stream().filter(e -> e.action().equals("legal.execute")).count())
        .isEqualTo(1);
    assertThat(app.audit().verify().intact()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anApprovalAndARejectionAtOnceDecideOnce(StoreKind kind) throws Exception {
    open(kind);
    long id = requests.file(LENA, subpoenaFor(number(1))).id();

    List<Object> outcomes =
        race(() -> requests.approve(id, PRIYA), () -> requests.reject(id, PAT, "too broad"));

    assertThat(outcomes).filteredOn(LegalRequest.class::isInstance).hasSize(1);
    LegalRequest decided =
        (LegalRequest)
            outcomes.stream().filter(LegalRequest.class::isInstance).findFirst().orElseThrow();
    assertThat(requests.find(id)).contains(decided);
    assertThat(outcomes)
        .filteredOn(ProblemException.class::isInstance)
        .singleElement()
        .satisfies(e -> assertThat(((ProblemException) e).type()).isEqualTo(ProblemType.CONFLICT));
    assertThat(auditEntries()).hasSize(2);
  }

  /** Runs both at once; each outcome is the result or the ProblemException thrown. */
  private static List<Object> race(Callable<?> first, Callable<?> second) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Object>> futures = new ArrayList<>();
      for (Callable<?> call : List.of(first, second)) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    return call.call();
                  } catch (ProblemException e) {
                    return e;
                  }
                }));
      }
      start.countDown();
      List<Object> outcomes = new ArrayList<>();
      for (Future<Object> future : futures) {
        outcomes.add(future.get());
      }
      return Collections.unmodifiableList(outcomes);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- the transparency report

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theReportCountsRequestsByHalfYearProcessAndOutcome(StoreKind kind) {
    open(kind);
    String n = number(1);
    clock.set(Instant.parse("2026-06-30T23:59:00Z"));
    requests.file(LENA, subpoena(List.of(n), "2026-06-30", "2026-06-30")); // H1, pending
    clock.set(START);
    lookup("2026-11-20T08:00:00Z", ALICE_IP, n);
    requests.execute(approved(subpoenaFor(n)).id(), LENA); // disclosed
    requests.execute(approved(subpoenaFor(number(2))).id(), LENA); // no data
    long rejected = requests.file(LENA, subpoenaFor(n)).id();
    requests.reject(rejected, PRIYA, "overbroad");
    approved(
        new Filing("Sheriff", LegalProcess.EMERGENCY, "EM-1", List.of(n), DAY, DAY)); // pending
    requests.file(
        LENA, new Filing("Court", LegalProcess.SEARCH_WARRANT, "SW-9", List.of(n), DAY, DAY));
    clock.set(Instant.parse("2027-02-01T12:00:00Z"));

    Transparency.Report report = transparency.report();

    assertThat(report.asOf()).isEqualTo(LocalDate.parse("2027-02-01"));
    assertThat(report.periods())
        .extracting(Transparency.Period::period)
        .containsExactly("2027-H1", "2026-H2", "2026-H1");
    Transparency.Period empty = report.periods().get(0);
    assertThat(empty.total()).isEqualTo(new Transparency.Totals(0, 0, 0, 0, 0, 0));
    assertThat(empty.byProcess()).hasSize(LegalProcess.values().length);
    Transparency.Period h2 = report.periods().get(1);
    assertThat(h2.from()).isEqualTo(LocalDate.parse("2026-07-01"));
    assertThat(h2.to()).isEqualTo(LocalDate.parse("2026-12-31"));
    assertThat(h2.byProcess())
        .containsExactly(
            new Transparency.Row(LegalProcess.SUBPOENA, 3, 1, 1, 1, 0, 1),
            new Transparency.Row(LegalProcess.COURT_ORDER, 0, 0, 0, 0, 0, 0),
            new Transparency.Row(LegalProcess.SEARCH_WARRANT, 1, 0, 0, 0, 1, 0),
            new Transparency.Row(LegalProcess.EMERGENCY, 1, 0, 0, 0, 1, 0),
            new Transparency.Row(LegalProcess.OTHER, 0, 0, 0, 0, 0, 0));
    assertThat(h2.total()).isEqualTo(new Transparency.Totals(5, 1, 1, 1, 2, 1));
    Transparency.Period h1 = report.periods().get(2);
    assertThat(h1.period()).isEqualTo("2026-H1");
    assertThat(h1.to()).isEqualTo(LocalDate.parse("2026-06-30"));
    assertThat(h1.total()).isEqualTo(new Transparency.Totals(1, 0, 0, 0, 1, 0));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anEmptyReportStillShowsTheCurrentHalfYear(StoreKind kind) {
    open(kind);
    Transparency.Report report = transparency.report();
    assertThat(report.periods())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.period()).isEqualTo("2026-H2");
              assertThat(p.total().received()).isZero();
            });
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void adminsConfirmAndAddStatementsOnTheRecord(StoreKind kind) {
    open(kind);
    List<Transparency.Statement> seeded = transparency.report().statements();
    assertThat(seeded)
        .extracting(Transparency.Statement::text)
        .containsExactly(
            "We have never installed equipment for bulk access to visitor data",
            "We have never received a national security letter",
            "We have never been ordered to keep visitor data longer than our retention period");
    assertThat(seeded).extracting(Transparency.Statement::confirmedOn).containsOnlyNulls();

    long first = seeded.getFirst().id();
    for (Operator notAdmin : List.of(LENA, PRIYA, SAM)) {
      assertProblem(
          () -> transparency.confirm(first, notAdmin), ProblemType.FORBIDDEN, "admin role");
      assertProblem(
          () -> transparency.addStatement("We keep no logs", notAdmin),
          ProblemType.FORBIDDEN,
          "admin role");
    }
    assertProblem(() -> transparency.confirm(999, ADA), ProblemType.NOT_FOUND, "999");
    assertProblem(
        () -> transparency.addStatement("  ", ADA), ProblemType.VALIDATION_FAILED, "text");
    assertProblem(
        () -> transparency.addStatement("x".repeat(301), ADA),
        ProblemType.VALIDATION_FAILED,
        "text",
        "300");

    Transparency.Statement confirmed = transparency.confirm(first, ADA);
    assertThat(confirmed.confirmedOn()).isEqualTo(DAY);
    clock.set(Instant.parse("2026-12-01T00:00:01Z"));
    Transparency.Statement added =
        transparency.addStatement(" We have never been asked to weaken our encryption ", ADA);
    assertThat(added.text()).isEqualTo("We have never been asked to weaken our encryption");
    assertThat(added.confirmedOn()).isNull();

    List<Transparency.Statement> now = transparency.report().statements();
    assertThat(now).hasSize(4);
    assertThat(now.getFirst().confirmedOn()).isEqualTo(DAY);
    assertThat(now.get(1).confirmedOn()).isNull();
    assertThat(now.getLast()).isEqualTo(added);
    assertThat(transparency.confirm(added.id(), ADA).confirmedOn())
        .isEqualTo(LocalDate.parse("2026-12-01"));

    assertThat(auditEntries())
        .extracting(AuditLog.Entry::action)
        .containsExactly(
            "transparency.confirm", "transparency.statement.add", "transparency.confirm");
    assertThat(auditEntries()).extracting(AuditLog.Entry::actor).containsOnly("ada");
    assertThat(auditEntries().get(1).details()).contains("weaken our encryption");
    assertThat(app.audit().verify().intact()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void addressRevealsCountBesideRequestsInEveryHalfYearSinceTheFirstData(StoreKind kind) {
    open(kind);
    clock.set(Instant.parse("2025-03-01T00:00:00Z"));
    record("config.retention"); // the first start: the report reaches back to it
    clock.set(Instant.parse("2026-02-01T00:00:00Z"));
    record("incident.reveal");
    clock.set(START);
    record("incident.reveal");
    record("incident.reveal");
    record("incident.unblock");

    Transparency.Report report = transparency.report();

    assertThat(report.periods())
        .extracting(Transparency.Period::period)
        .containsExactly("2026-H2", "2026-H1", "2025-H2", "2025-H1");
    assertThat(report.periods())
        .extracting(Transparency.Period::addressReveals)
        .containsExactly(2, 1, 0, 0);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aConfirmedStatementVerifiesWithThePublishedKeyAndNothingElseDoes(StoreKind kind)
      throws Exception {
    open(kind);
    long first = transparency.report().statements().getFirst().id();
    transparency.confirm(first, ADA);
    app.audit().checkpointWhenPossible();

    Transparency.Report report = transparency.report();
    Transparency.Statement statement = report.statements().getFirst();
    assertThat(statement.signature()).isNotNull();
    assertThat(report.statements().get(1).signature()).as("never confirmed").isNull();
    SignatureConfig.register();
    var verifier =
        TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(
                report.latestCheckpoint().publicKey(), RegistryConfiguration.get())
            .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
    byte[] signature = Base64.getDecoder().decode(statement.signature());
    String signed =
        "[\"waypost-transparency-statement\","
            + first
            + ",\""
            + statement.text()
            + "\",\""
            + DAY
            + "\"]";
    verifier.verify(signature, signed.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () ->
                verifier.verify(
                    signature,
                    signed.replace("never", "sometimes").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(GeneralSecurityException.class);
  }

  /** An audit entry of {@code action} at the clock's time, as the feature that does it writes. */
  private void record(String action) {
    app.database().inTransaction(c -> app.audit().append(c, "sam", action, "incident:1", null));
  }
}
