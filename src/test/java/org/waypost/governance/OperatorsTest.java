package org.waypost.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.db.Database;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.keys.SecretVerifier;
import org.waypost.testing.Audits;
import org.waypost.testing.FilesOnDisk;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * Operator accounts on SQLite and on a real PostgreSQL: tokens that work until revoked or expired,
 * operators disabled and their roles changed (each on the audit record), passwords kept only as
 * Argon2id hashes, and token secrets that never reach the database.
 */
class OperatorsTest {
  private static final String ALICE_PASSWORD = "correct horse battery staple";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
  private Database database;
  private AuditLog audit;

  private Operators open(StoreKind kind) {
    database = Database.open(TestApp.config(kind.freshStore(dir)).database());
    audit = Audits.withoutCheckpoints(database, clock, dir);
    return new Operators(database, clock, audit);
  }

  /** Operators as another node over the same database sees them: its own memory of tokens. */
  private Operators anotherNode() {
    return new Operators(database, clock, audit);
  }

  private List<AuditLog.Entry> audited(String action) {
    return audit.list(0, 1000).stream().filter(e -> e.action().equals(action)).toList();
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  private static Operator alice(Operators operators) {
    return operators.add("alice", EnumSet.of(Role.LEGAL, Role.PRIVACY), ALICE_PASSWORD).operator();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anIssuedTokenAuthenticatesItsOperator(StoreKind kind) {
    Operators operators = open(kind);
    Operators.Added added =
        operators.add("alice", EnumSet.of(Role.LEGAL, Role.PRIVACY), ALICE_PASSWORD);
    assertThat(added.generatedPassword()).isNull();

    String token = operators.issueToken("alice");

    assertThat(token).matches("wpo_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
    assertThat(operators.issueToken("alice")).isNotEqualTo(token);
    assertThat(operators.authenticateToken(token))
        .hasValueSatisfying(
            o -> {
              assertThat(o).isEqualTo(added.operator());
              assertThat(o.name()).isEqualTo("alice");
              assertThat(o.roles()).containsExactly(Role.LEGAL, Role.PRIVACY);
              assertThat(o.has(Role.PRIVACY)).isTrue();
              assertThat(o.has(Role.ADMIN)).isFalse();
            });
    assertThat(operators.find("alice")).contains(added.operator());
    assertThat(operators.find("bob")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTokenForAnUnknownNameIsRefused(StoreKind kind) {
    Operators operators = open(kind);
    alice(operators);

    assertThatThrownBy(() -> operators.issueToken("mallory"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mallory");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void wrongGarbledAndRevokedTokensAuthenticateNoOne(StoreKind kind) {
    Operators operators = open(kind);
    alice(operators);
    String token = operators.issueToken("alice");
    String other = operators.issueToken("alice");
    String tokenId = Operators.tokenIdOf(token);
    String secret = secretOf(token);

    List<String> refused = new ArrayList<>();
    refused.add(null);
    refused.add("");
    refused.add("wpo_");
    refused.add("Bearer " + token);
    refused.add(token.substring(0, token.length() - 1));
    refused.add(token + "A");
    refused.add("wpk_" + token.substring(4));
    refused.add(token.replace(tokenId + "_", tokenId + "-"));
    refused.add("wpo_" + tokenId + "_" + flipFirst(secret));
    refused.add("wpo_" + "0".repeat(16) + "_" + secret);
    refused.add(token.toUpperCase(java.util.Locale.ROOT));
    refused.add(" ".repeat(token.length()));
    for (String presented : refused) {
      assertThat(operators.authenticateToken(presented)).as("%s", presented).isEmpty();
    }

    assertThat(operators.authenticateToken(token)).isPresent(); // now cached
    operators.revokeToken(tokenId);
    assertThat(operators.authenticateToken(token)).isEmpty();
    assertThat(operators.authenticateToken(other)).isPresent();
    operators.revokeToken(tokenId); // again: nothing changes
    assertThatThrownBy(() -> operators.revokeToken("0123456789abcdef"))
        .isInstanceOf(IllegalArgumentException.class);

    // A revoked token stays revoked for a node that never cached it.
    Operators otherNode =
        new Operators(database, clock, Audits.withoutCheckpoints(database, clock, dir));
    assertThat(otherNode.authenticateToken(token)).isEmpty();
    assertThat(otherNode.authenticateToken(other)).isPresent();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aDisabledOperatorIsNotFoundAndCannotAuthenticate(StoreKind kind) throws Exception {
    Operators operators = open(kind);
    alice(operators);
    String token = operators.issueToken("alice");
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("UPDATE operators SET disabled_at = ? WHERE name = ?")) {
      ps.setLong(1, clock.millis());
      ps.setString(2, "alice");
      ps.executeUpdate();
    }

    assertThat(operators.authenticateToken(token)).isEmpty();
    assertThat(operators.authenticatePassword("alice", ALICE_PASSWORD)).isEmpty();
    assertThat(operators.find("alice")).isEmpty();
    assertThatThrownBy(() -> operators.issueToken("alice"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTokenIsRefusedFromItsExpiryOnRememberedOrNot(StoreKind kind) {
    Operators operators = open(kind);
    alice(operators);
    Instant issued = clock.instant();
    Operators.IssuedToken week = operators.issueToken("alice", 7);
    String standard = operators.issueToken("alice");

    assertThat(week.expiresAt()).isEqualTo(issued.plus(Duration.ofDays(7)));
    assertThat(week.id()).isEqualTo(Operators.tokenIdOf(week.text()));
    assertThat(
            Sql.longValue(
                database,
                "SELECT expires_at FROM operator_tokens WHERE token_id = '"
                    + Operators.tokenIdOf(standard)
                    + "'"))
        .as("the default")
        .isEqualTo(issued.plus(Duration.ofDays(90)).toEpochMilli());
    assertThat(audited("operator.token.create").getFirst().details())
        .isEqualTo(
            "{\"expiresAt\":\"" + week.expiresAt() + "\",\"tokenId\":\"" + week.id() + "\"}");

    assertThat(operators.authenticateToken(week.text())).isPresent();
    clock.advance(Duration.ofDays(7).minusMillis(1));
    assertThat(operators.authenticateToken(week.text())).isPresent();
    clock.advance(Duration.ofMillis(1));
    assertThat(operators.authenticateToken(week.text())).as("remembered, now expired").isEmpty();
    assertThat(anotherNode().authenticateToken(week.text())).as("looked up").isEmpty();

    assertThat(operators.authenticateToken(standard)).isPresent();
    clock.advance(Duration.ofDays(83).minusMillis(1));
    assertThat(anotherNode().authenticateToken(standard)).isPresent();
    clock.advance(Duration.ofMillis(1));
    assertThat(operators.authenticateToken(standard)).as("after 90 days").isEmpty();
    assertThat(anotherNode().authenticateToken(standard)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTokenIsValidForOneDayToTenYears(StoreKind kind) {
    Operators operators = open(kind);
    alice(operators);

    assertValidation(() -> operators.issueToken("alice", 0), "1 to 3650 days");
    assertValidation(() -> operators.issueToken("alice", -5), "1 to 3650 days");
    assertValidation(() -> operators.issueToken("alice", 3651), "1 to 3650 days");
    assertThat(Sql.longValue(database, "SELECT COUNT(*) FROM operator_tokens")).isZero();

    assertThat(operators.issueToken("alice", 1).expiresAt())
        .isEqualTo(clock.instant().plus(Duration.ofDays(1)));
    assertThat(operators.issueToken("alice", 3650).expiresAt())
        .isEqualTo(clock.instant().plus(Duration.ofDays(3650)));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void disablingAnOperatorEndsTheirPasswordAndTokensAndIsAudited(StoreKind kind) {
    Operators operators = open(kind);
    alice(operators);
    operators.add("bob", Set.of(Role.ADMIN), ALICE_PASSWORD);
    String token = operators.issueToken("alice");
    String second = operators.issueToken("alice");
    String bobs = operators.issueToken("bob");
    Operators otherNode = anotherNode();
    assertThat(otherNode.authenticateToken(token)).isPresent(); // remembered there

    List<String> revoked = operators.disable(" alice ");

    assertThat(revoked).containsExactly(Operators.tokenIdOf(token), Operators.tokenIdOf(second));
    assertThat(operators.authenticateToken(token)).isEmpty();
    assertThat(operators.authenticateToken(second)).isEmpty();
    assertThat(operators.authenticatePassword("alice", ALICE_PASSWORD)).isEmpty();
    assertThat(operators.find("alice")).isEmpty();
    clock.advance(SecretVerifier.CACHE_TTL);
    assertThat(otherNode.authenticateToken(token)).as("another node, within 30 s").isEmpty();
    assertThat(operators.authenticateToken(bobs)).as("another operator").isPresent();
    assertThat(
            Sql.longValue(
                database, "SELECT COUNT(*) FROM operator_tokens WHERE revoked_at IS NOT NULL"))
        .isEqualTo(2);

    List<AuditLog.Entry> entries = audited("operator.disable");
    assertThat(entries).hasSize(1);
    assertThat(entries.getFirst().actor()).isEqualTo(Operators.LOCAL_ADMIN);
    assertThat(entries.getFirst().target()).isEqualTo("operator:alice");
    assertThat(entries.getFirst().details())
        .isEqualTo("{\"tokensRevoked\":[\"" + String.join("\",\"", revoked) + "\"]}");

    assertThatThrownBy(() -> operators.disable("alice"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no active operator named \"alice\"");
    assertThatThrownBy(() -> operators.disable("mallory"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> operators.issueToken("alice"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(audited("operator.disable")).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void newRolesReachARememberedTokenWithinTheCacheTimeAndAreAudited(StoreKind kind) {
    Operators operators = open(kind);
    alice(operators);
    String token = operators.issueToken("alice");
    assertThat(operators.authenticateToken(token).orElseThrow().roles())
        .containsExactly(Role.LEGAL, Role.PRIVACY);

    Set<Role> previous = operators.setRoles("alice", EnumSet.of(Role.SECURITY, Role.ADMIN));

    assertThat(previous).containsExactly(Role.LEGAL, Role.PRIVACY);
    assertThat(operators.find("alice").orElseThrow().roles())
        .containsExactly(Role.ADMIN, Role.SECURITY);
    clock.advance(SecretVerifier.CACHE_TTL);
    assertThat(operators.authenticateToken(token).orElseThrow().roles())
        .containsExactly(Role.ADMIN, Role.SECURITY);
    assertThat(operators.authenticatePassword("alice", ALICE_PASSWORD).orElseThrow().roles())
        .containsExactly(Role.ADMIN, Role.SECURITY);
    List<AuditLog.Entry> entries = audited("operator.roles.set");
    assertThat(entries).hasSize(1);
    assertThat(entries.getFirst().target()).isEqualTo("operator:alice");
    assertThat(entries.getFirst().details())
        .isEqualTo("{\"previous\":\"legal,privacy\",\"roles\":\"admin,security\"}");

    assertValidation(() -> operators.setRoles("alice", Set.of()), "at least one role");
    assertThatThrownBy(() -> operators.setRoles("mallory", Set.of(Role.ADMIN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mallory");
    operators.disable("alice");
    assertThatThrownBy(() -> operators.setRoles("alice", Set.of(Role.ADMIN)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(audited("operator.roles.set")).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void revokingAnOperatorsTokensRevokesAllOfThemAndOnlyTheirs(StoreKind kind) {
    Operators operators = open(kind);
    alice(operators);
    operators.add("bob", Set.of(Role.ADMIN), ALICE_PASSWORD);
    String first = operators.issueToken("alice");
    String second = operators.issueToken("alice", 1).text();
    String bobs = operators.issueToken("bob");
    Operators otherNode = anotherNode();
    assertThat(otherNode.authenticateToken(first)).isPresent(); // remembered there

    List<String> revoked = operators.revokeTokens("alice");

    assertThat(revoked).containsExactly(Operators.tokenIdOf(first), Operators.tokenIdOf(second));
    assertThat(operators.authenticateToken(first)).isEmpty();
    assertThat(operators.authenticateToken(second)).isEmpty();
    assertThat(operators.authenticateToken(bobs)).isPresent();
    clock.advance(SecretVerifier.CACHE_TTL);
    assertThat(otherNode.authenticateToken(first)).as("another node, within 30 s").isEmpty();
    assertThat(operators.find("alice")).as("the operator stays").isPresent();
    assertThat(audited("operator.token.revoke"))
        .extracting(AuditLog.Entry::target, AuditLog.Entry::details)
        .containsExactly(
            tuple("token:" + revoked.get(0), "{\"operator\":\"alice\"}"),
            tuple("token:" + revoked.get(1), "{\"operator\":\"alice\"}"));

    assertThat(operators.revokeTokens("alice")).as("nothing left").isEmpty();
    assertThat(audited("operator.token.revoke")).hasSize(2);
    assertThatThrownBy(() -> operators.revokeTokens("mallory"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no operator named \"mallory\"");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aPasswordAuthenticatesOnlyItsOwnOperator(StoreKind kind) {
    Operators operators = open(kind);
    Operator alice = alice(operators);
    String unicode = "pässwörd with ümlauts ✓";
    Operator bob = operators.add("bob", Set.of(Role.ADMIN), unicode).operator();

    assertThat(operators.authenticatePassword("alice", ALICE_PASSWORD)).contains(alice);
    assertThat(operators.authenticatePassword("bob", unicode)).contains(bob);
    assertThat(operators.authenticatePassword("alice", unicode)).isEmpty();
    assertThat(operators.authenticatePassword("alice", ALICE_PASSWORD + " ")).isEmpty();
    assertThat(operators.authenticatePassword("alice", "")).isEmpty();
    assertThat(operators.authenticatePassword("alice", null)).isEmpty();
    assertThat(operators.authenticatePassword("mallory", ALICE_PASSWORD)).isEmpty();
    assertThat(operators.authenticatePassword(null, ALICE_PASSWORD)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aGeneratedPasswordIsStrongAndWorks(StoreKind kind) {
    Operators operators = open(kind);

    Operators.Added added = operators.add("carol", Set.of(Role.SECURITY), null);

    assertThat(added.generatedPassword()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(operators.add("dave", Set.of(Role.SECURITY), null).generatedPassword())
        .isNotEqualTo(added.generatedPassword());
    assertThat(operators.authenticatePassword("carol", added.generatedPassword()))
        .contains(added.operator());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aNameIsTakenOnlyOnce(StoreKind kind) {
    Operators operators = open(kind);
    alice(operators);

    assertThatThrownBy(() -> operators.add(" alice ", Set.of(Role.ADMIN), "another long password"))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.type()).isEqualTo(ProblemType.CONFLICT);
              assertThat(e.detail()).contains("alice");
            });
    assertThat(operators.find("alice"))
        .hasValueSatisfying(o -> assertThat(o.roles()).containsExactly(Role.LEGAL, Role.PRIVACY));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void badNamesRolesAndShortPasswordsAreRefused(StoreKind kind) {
    Operators operators = open(kind);

    assertValidation(() -> operators.add("erin", Set.of(Role.ADMIN), "elevenchars"), "12");
    assertValidation(() -> operators.add("erin", Set.of(Role.ADMIN), "✓".repeat(11)), "12");
    assertValidation(() -> operators.add(" ", Set.of(Role.ADMIN), ALICE_PASSWORD), "1 to 64");
    assertValidation(
        () -> operators.add("x".repeat(65), Set.of(Role.ADMIN), ALICE_PASSWORD), "1 to 64");
    assertValidation(
        () -> operators.add("eve\nadmin", Set.of(Role.ADMIN), ALICE_PASSWORD), "control");
    assertValidation(() -> operators.add("erin", Set.of(), ALICE_PASSWORD), "role");
    assertThat(operators.find("erin")).isEmpty();

    assertThat(operators.add("x".repeat(64), Set.of(Role.ADMIN), "twelve chars").operator().name())
        .hasSize(64);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theStoredPasswordIsAnArgon2idHash(StoreKind kind) throws Exception {
    Operators operators = open(kind);
    alice(operators);
    operators.add("bob", Set.of(Role.ADMIN), ALICE_PASSWORD);

    List<String> hashes = new ArrayList<>();
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT password_hash FROM operators ORDER BY name");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        hashes.add(rs.getString(1));
      }
    }

    assertThat(hashes).hasSize(2);
    for (String hash : hashes) {
      assertThat(hash)
          .startsWith("$argon2id$v=19$m=19456,t=2,p=1$")
          .isNotEqualTo(ALICE_PASSWORD)
          .doesNotContain(ALICE_PASSWORD);
    }
    assertThat(hashes.get(0)).as("salted").isNotEqualTo(hashes.get(1));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theTokenSecretNeverReachesTheDatabase(StoreKind kind) throws Exception {
    Operators operators = open(kind);
    alice(operators);
    String token = operators.issueToken("alice");
    String secret = secretOf(token);
    byte[] secretBytes = Base64.getUrlDecoder().decode(secret);

    List<String> stored = new ArrayList<>();
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT * FROM operator_tokens");
        ResultSet rs = ps.executeQuery()) {
      ResultSetMetaData meta = rs.getMetaData();
      assertThat(rs.next()).isTrue();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        Object value = rs.getObject(i);
        if (value instanceof byte[] bytes) {
          assertThat(bytes).hasSize(32).isNotEqualTo(secretBytes);
          stored.add(new String(bytes, StandardCharsets.ISO_8859_1));
          stored.add(HexFormat.of().formatHex(bytes));
          stored.add(Base64.getEncoder().encodeToString(bytes));
          stored.add(Base64.getUrlEncoder().encodeToString(bytes));
        } else {
          stored.add(String.valueOf(value));
        }
      }
      assertThat(rs.next()).isFalse();
    }
    assertThat(stored).contains(Operators.tokenIdOf(token));
    for (String value : stored) {
      assertThat(value).doesNotContain(secret).doesNotContain(secret.substring(0, 16));
    }

    if (kind == StoreKind.SQLITE) {
      String onDisk = new String(filesUnder(dir), StandardCharsets.ISO_8859_1);
      assertThat(onDisk).contains(Operators.tokenIdOf(token)).doesNotContain(secret);
      assertThat(indexOf(filesUnder(dir), secretBytes)).isNegative();
    }
  }

  @Test
  void anUnknownNameTakesAsLongAsAWrongPassword() {
    Operators operators = open(StoreKind.SQLITE);
    alice(operators);
    operators.authenticatePassword("alice", "warm up the hash function");

    long wrong = Long.MAX_VALUE;
    long unknown = Long.MAX_VALUE;
    // the fastest of five of each, so that a busy machine's pauses do not decide
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      assertThat(operators.authenticatePassword("alice", "not her password")).isEmpty();
      wrong = Math.min(wrong, System.nanoTime() - start);
      start = System.nanoTime();
      assertThat(operators.authenticatePassword("nobody-" + i, "not her password")).isEmpty();
      unknown = Math.min(unknown, System.nanoTime() - start);
    }

    // Without the dummy hash an unknown name would answer in about a millisecond.
    assertThat((double) unknown / wrong).isBetween(0.3, 3.0);
  }

  @Test
  void rolesParseCaseInsensitivelyAndNameTheBadOne() {
    assertThat(Role.parse("admin")).containsExactly(Role.ADMIN);
    assertThat(Role.parse(" Privacy , LEGAL,legal "))
        .containsExactly(Role.LEGAL, Role.PRIVACY)
        .isUnmodifiable();
    assertThat(Role.join(Role.parse("privacy,security,admin,legal")))
        .isEqualTo("admin,security,legal,privacy");

    assertThatThrownBy(() -> Role.parse("admin,root"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"root\"")
        .hasMessageContaining("admin, security, legal, privacy");
    assertThatThrownBy(() -> Role.parse("admin,,legal"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty role");
    assertThatThrownBy(() -> Role.parse(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one role");
    assertThatThrownBy(() -> Role.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertValidation(Runnable action, String detail) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
              assertThat(e.detail()).contains(detail);
            });
  }

  /** The secret half of {@code wpo_<16 hex>_<secret>}; the secret itself may contain '_'. */
  static String secretOf(String token) {
    return token.substring("wpo_".length() + 16 + 1);
  }

  private static String flipFirst(String secret) {
    char first = secret.charAt(0);
    return (first == 'A' ? 'B' : 'A') + secret.substring(1);
  }

  private static byte[] filesUnder(Path root) throws Exception {
    var all = new java.io.ByteArrayOutputStream();
    for (byte[] content : FilesOnDisk.read(root).values()) {
      all.write(content);
    }
    return all.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
