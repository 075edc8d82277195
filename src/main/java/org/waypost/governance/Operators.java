package org.waypost.governance;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.waypost.db.Database;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.keys.PrefixedSecret;
import org.waypost.keys.SecretVerifier;
import org.waypost.keys.SecretVerifier.Stored;

/**
 * Operator accounts, their passwords and their API tokens. Only active operators (not disabled) are
 * found, get tokens or authenticate.
 *
 * <p>Tokens work like shipper API keys: {@code wpo_<token id>_<secret>}, the token id finds the row
 * and only a SHA-256 of the 256-bit random secret is stored; a slow hash would add nothing against
 * guessing 256 bits. Both are checked by a {@link SecretVerifier}, which remembers verified tokens
 * for {@link SecretVerifier#CACHE_TTL}: a token revoked on this node stops working at once, on
 * another node (or after {@code waypost user ...} changed it from another process) within that
 * time. The same bound holds for an operator who is disabled or whose roles change. Every token
 * expires ({@value #DEFAULT_TOKEN_DAYS} days unless the issuer says otherwise) and is refused from
 * that instant of the clock on, remembered or not.
 *
 * <p>Passwords are chosen by people, so they get a slow, memory-hard hash: Argon2id with 19 MiB, 2
 * passes and 1 lane (OWASP's baseline setting): 60 to 80 ms on one core of a 2-core server. One
 * lane, so that two logins at once do not compete for both cores. A name that does not exist is
 * verified against a dummy hash, so the time a login takes does not tell which names do.
 *
 * <p>Creating and disabling operators, changing their roles, setting passwords, and issuing and
 * revoking tokens are recorded in the {@link AuditLog} (guarantee 6), each in the transaction of
 * the change it records.
 *
 * <p>Long (about 520 lines) because accounts, passwords and tokens are one security boundary: the
 * checks that a disabled operator or an expired token is refused are easier to trust side by side.
 */
public final class Operators {
  /** A new operator; {@code generatedPassword} is shown once, and is null when one was given. */
  public record Added(Operator operator, String generatedPassword) {}

  /** A new token: its text (shown only now), its public id, and when it expires. */
  public record IssuedToken(String text, String id, Instant expiresAt) {}

  /** How long a token is valid unless its issuer says otherwise. */
  public static final int DEFAULT_TOKEN_DAYS = 90;

  /** The longest a token may be valid: ten years. */
  public static final int MAX_TOKEN_DAYS = 3650;

  static final int MIN_PASSWORD_LENGTH = 12;
  static final int MAX_PASSWORD_LENGTH = 1024;
  static final int MAX_NAME_LENGTH = 64;

  /** Argon2id, version 19: m = 19,456 KiB, t = 2, p = 1, a 32-byte hash and a 16-byte salt. */
  static final Argon2Function ARGON2 = Argon2Function.getInstance(19_456, 2, 1, 32, Argon2.ID);

  private static final int SALT_BYTES = 16;
  private static final String PREFIX = "wpo_";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Who the audit log names for changes made from the server's command line. */
  public static final String LOCAL_ADMIN = "local-admin";

  private final Database database;
  private final Clock clock;
  private final AuditLog audit;
  private final SecretVerifier<Operator> verifier;

  public Operators(Database db, Clock clock, AuditLog audit) {
    this.database = db;
    this.clock = clock;
    this.audit = audit;
    this.verifier = new SecretVerifier<>(PREFIX, this::activeToken, clock);
  }

  /**
   * Creates an operator. With a null {@code password} a strong one is generated and returned once.
   *
   * @throws ProblemException {@code validation-failed} for a bad name, no role or a short password;
   *     {@code conflict} when the name is taken
   */
  public Added add(String name, Set<Role> roles, String password) {
    return add(name, roles, password, LOCAL_ADMIN);
  }

  /** As {@link #add(String, Set, String)}, recorded as done by {@code actor} (a console admin). */
  public Added add(String name, Set<Role> roles, String password, String actor) {
    String cleanName = Texts.checked(name, "an operator name", MAX_NAME_LENGTH);
    if (roles == null || roles.isEmpty()) {
      throw ProblemException.validation("an operator needs at least one role");
    }
    String generated = password == null ? generatePassword() : null;
    String chosen = password == null ? generated : checkPassword(password);
    String passwordHash = hash(chosen);
    long now = clock.millis();
    long id =
        database.inTransaction(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO operators (name, roles, password_hash, created_at)"
                          + " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id")) {
                ps.setString(1, cleanName);
                ps.setString(2, Role.join(roles));
                ps.setString(3, passwordHash);
                ps.setLong(4, now);
                try (ResultSet rs = ps.executeQuery()) {
                  if (!rs.next()) {
                    throw new ProblemException(
                        ProblemType.CONFLICT,
                        "an operator named \"" + cleanName + "\" already exists");
                  }
                  long created = rs.getLong(1);
                  audit.append(
                      c,
                      actor,
                      "operator.create",
                      "operator:" + cleanName,
                      Map.of("roles", Role.join(roles)));
                  return created;
                }
              }
            });
    audit.checkpointWhenPossible();
    return new Added(new Operator(id, cleanName, roles), generated);
  }

  /**
   * Issues a new API token for the operator, valid for {@value #DEFAULT_TOKEN_DAYS} days, and
   * returns it; it is shown only now.
   *
   * @throws IllegalArgumentException when no active operator has that name
   */
  public String issueToken(String operatorName) {
    return issueToken(operatorName, DEFAULT_TOKEN_DAYS).text();
  }

  /**
   * Issues a new API token for the operator, valid for {@code days} days from now.
   *
   * @throws ProblemException {@code validation-failed} when {@code days} is not between 1 and
   *     {@value #MAX_TOKEN_DAYS}
   * @throws IllegalArgumentException when no active operator has that name
   */
  public IssuedToken issueToken(String operatorName, int days) {
    if (days < 1 || days > MAX_TOKEN_DAYS) {
      throw ProblemException.validation(
          "a token is valid for 1 to " + MAX_TOKEN_DAYS + " days, not " + days);
    }
    PrefixedSecret token = PrefixedSecret.issue(PREFIX);
    String tokenId = token.id();
    long now = clock.millis();
    long expiresAt = now + Duration.ofDays(days).toMillis();
    database.inTransaction(
        c -> {
          Operator operator = requireActive(c, operatorName);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO operator_tokens (token_id, token_hash, operator_id, created_at,"
                      + " expires_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, tokenId);
            ps.setBytes(2, token.secretHash());
            ps.setLong(3, operator.id());
            ps.setLong(4, now);
            ps.setLong(5, expiresAt);
            ps.executeUpdate();
          }
          audit.append(
              c,
              LOCAL_ADMIN,
              "operator.token.create",
              "operator:" + operator.name(),
              Map.of("tokenId", tokenId, "expiresAt", Instant.ofEpochMilli(expiresAt).toString()));
          return null;
        });
    audit.checkpointWhenPossible();
    return new IssuedToken(token.text(), tokenId, Instant.ofEpochMilli(expiresAt));
  }

  /**
   * Disables an operator for good: their password, sessions and tokens stop working, and their
   * unrevoked tokens are revoked with it (so that no token comes back should the row ever be
   * enabled again by hand). The account stays, so that every name the audit log refers to does.
   * Returns the ids of the tokens revoked.
   *
   * @throws IllegalArgumentException when no active operator has that name
   */
  public List<String> disable(String operatorName) {
    return disable(operatorName, LOCAL_ADMIN);
  }

  /** As {@link #disable(String)}, recorded as done by {@code actor}. */
  public List<String> disable(String operatorName, String actor) {
    long now = clock.millis();
    List<String> revoked =
        database.inTransaction(
            c -> {
              Operator operator = requireActive(c, operatorName);
              try (PreparedStatement ps =
                  c.prepareStatement("UPDATE operators SET disabled_at = ? WHERE id = ?")) {
                ps.setLong(1, now);
                ps.setLong(2, operator.id());
                ps.executeUpdate();
              }
              List<String> tokenIds = revokeAll(c, operator.id(), now);
              audit.append(
                  c,
                  actor,
                  "operator.disable",
                  "operator:" + operator.name(),
                  Map.of("tokensRevoked", tokenIds));
              return tokenIds;
            });
    audit.checkpointWhenPossible();
    revoked.forEach(verifier::forget);
    return revoked;
  }

  /**
   * Replaces an active operator's roles; returns the roles they held before. Sessions see the new
   * roles with their next request, tokens within {@link SecretVerifier#CACHE_TTL}.
   *
   * @throws ProblemException {@code validation-failed} without a role
   * @throws IllegalArgumentException when no active operator has that name
   */
  public Set<Role> setRoles(String operatorName, Set<Role> roles) {
    return setRoles(operatorName, roles, LOCAL_ADMIN);
  }

  /** As {@link #setRoles(String, Set)}, recorded as done by {@code actor}. */
  public Set<Role> setRoles(String operatorName, Set<Role> roles, String actor) {
    if (roles == null || roles.isEmpty()) {
      throw ProblemException.validation("an operator needs at least one role");
    }
    Set<Role> previous =
        database.inTransaction(
            c -> {
              Operator operator = requireActive(c, operatorName);
              try (PreparedStatement ps =
                  c.prepareStatement("UPDATE operators SET roles = ? WHERE id = ?")) {
                ps.setString(1, Role.join(roles));
                ps.setLong(2, operator.id());
                ps.executeUpdate();
              }
              audit.append(
                  c,
                  actor,
                  "operator.roles.set",
                  "operator:" + operator.name(),
                  Map.of("roles", Role.join(roles), "previous", Role.join(operator.roles())));
              return operator.roles();
            });
    audit.checkpointWhenPossible();
    return previous;
  }

  /**
   * Revokes every unrevoked token of the operator with this name, active or disabled; each is
   * recorded as {@code operator.token.revoke}. Returns the ids revoked (none when there were none).
   *
   * @throws IllegalArgumentException when no operator has that name
   */
  public List<String> revokeTokens(String operatorName) {
    return revokeTokens(operatorName, LOCAL_ADMIN);
  }

  /** As {@link #revokeTokens(String)}, recorded as done by {@code actor}. */
  public List<String> revokeTokens(String operatorName, String actor) {
    long now = clock.millis();
    List<String> revoked =
        database.inTransaction(
            c -> {
              long operatorId;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id FROM operators WHERE name = ?" + database.dialect().forUpdate())) {
                ps.setString(1, operatorName == null ? "" : operatorName.strip());
                try (ResultSet rs = ps.executeQuery()) {
                  if (!rs.next()) {
                    throw new IllegalArgumentException(
                        "no operator named \"" + operatorName + "\"");
                  }
                  operatorId = rs.getLong(1);
                }
              }
              List<String> tokenIds = revokeAll(c, operatorId, now);
              for (String tokenId : tokenIds) {
                audit.append(
                    c,
                    actor,
                    "operator.token.revoke",
                    "token:" + tokenId,
                    Map.of("operator", operatorName.strip()));
              }
              return tokenIds;
            });
    audit.checkpointWhenPossible();
    revoked.forEach(verifier::forget);
    return revoked;
  }

  /** Revokes the operator's unrevoked tokens; returns their ids, in the order they were issued. */
  private static List<String> revokeAll(Connection c, long operatorId, long now)
      throws SQLException {
    List<String> tokenIds = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT token_id FROM operator_tokens WHERE operator_id = ? AND revoked_at IS NULL"
                + " ORDER BY id")) {
      ps.setLong(1, operatorId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tokenIds.add(rs.getString(1));
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE operator_tokens SET revoked_at = ? WHERE operator_id = ? AND revoked_at IS"
                + " NULL")) {
      ps.setLong(1, now);
      ps.setLong(2, operatorId);
      ps.executeUpdate();
    }
    return tokenIds;
  }

  /** Replaces an operator's password (the demo hands out fresh ones at every start). */
  public void setPassword(String operatorName, String password) {
    String hash = hash(checkPassword(password));
    database.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE operators SET password_hash = ? WHERE name = ? AND disabled_at IS NULL")) {
            ps.setString(1, hash);
            ps.setString(2, operatorName);
            if (ps.executeUpdate() == 0) {
              throw new IllegalArgumentException(
                  "no active operator named \"" + operatorName + "\"");
            }
          }
          audit.append(
              c, LOCAL_ADMIN, "operator.password.set", "operator:" + operatorName, Map.of());
          return null;
        });
    audit.checkpointWhenPossible();
  }

  /** The public half of a token, by which it is listed and revoked. */
  public static String tokenIdOf(String token) {
    return PrefixedSecret.parse(PREFIX, token)
        .orElseThrow(() -> new IllegalArgumentException("not an operator token"))
        .id();
  }

  /** The active operator whose valid, unrevoked token was presented. */
  public Optional<Operator> authenticateToken(String token) {
    return verifier.verify(token);
  }

  /**
   * The stored hash, operator (with the roles they hold now) and expiry of the unrevoked token with
   * this id, if the operator is active. The verifier refuses the token once it has expired.
   */
  private Optional<Stored<Operator>> activeToken(String tokenId) {
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT t.token_hash, t.expires_at, o.id, o.name, o.roles FROM operator_tokens t"
                      + " JOIN operators o ON o.id = t.operator_id"
                      + " WHERE t.token_id = ? AND t.revoked_at IS NULL"
                      + " AND o.disabled_at IS NULL")) {
            ps.setString(1, tokenId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(new Stored<>(rs.getBytes(1), operator(rs, 3), rs.getLong(2)))
                  : Optional.empty();
            }
          }
        });
  }

  /**
   * The active operator with this name and password. Takes one Argon2id verification whether or not
   * the name exists.
   */
  public Optional<Operator> authenticatePassword(String name, String password) {
    if (name == null || password == null || password.length() > MAX_PASSWORD_LENGTH) {
      return Optional.empty();
    }
    record Account(Operator operator, String passwordHash) {}
    Optional<Account> account =
        database.read(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, name, roles, password_hash FROM operators"
                          + " WHERE name = ? AND disabled_at IS NULL")) {
                ps.setString(1, name.strip());
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next()
                      ? Optional.of(new Account(operator(rs, 1), rs.getString(4)))
                      : Optional.empty();
                }
              }
            });
    String stored = account.map(Account::passwordHash).orElse(null);
    boolean matches = verify(password, stored == null ? Dummy.HASH : stored);
    return matches && stored != null ? account.map(Account::operator) : Optional.empty();
  }

  /**
   * Revokes a token by its id; revoking a revoked token changes nothing.
   *
   * @throws IllegalArgumentException when no token has that id
   */
  public void revokeToken(String tokenId) {
    long now = clock.millis();
    database.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE operator_tokens SET revoked_at = ?"
                      + " WHERE token_id = ? AND revoked_at IS NULL")) {
            ps.setLong(1, now);
            ps.setString(2, tokenId);
            if (ps.executeUpdate() > 0) {
              audit.append(c, LOCAL_ADMIN, "operator.token.revoke", "token:" + tokenId, Map.of());
              return null;
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement("SELECT 1 FROM operator_tokens WHERE token_id = ?")) {
            ps.setString(1, tokenId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new IllegalArgumentException("no operator token with id " + tokenId);
              }
            }
          }
          return null;
        });
    audit.checkpointWhenPossible();
    verifier.forget(tokenId);
  }

  /**
   * An operator as the console's administration page lists them: never a password hash or a token,
   * only how many unexpired, unrevoked tokens they hold.
   *
   * @param disabledAt null while the account is active
   */
  public record Listed(
      String name, Set<Role> roles, Instant createdAt, Instant disabledAt, int activeTokens) {
    public boolean active() {
      return disabledAt == null;
    }
  }

  /** Every operator, active first, then by name. */
  public List<Listed> list() {
    long now = clock.millis();
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT o.name, o.roles, o.created_at, o.disabled_at,"
                      + " (SELECT COUNT(*) FROM operator_tokens t WHERE t.operator_id = o.id"
                      + " AND t.revoked_at IS NULL AND t.expires_at > ?)"
                      + " FROM operators o ORDER BY o.disabled_at IS NOT NULL, o.name")) {
            ps.setLong(1, now);
            try (ResultSet rs = ps.executeQuery()) {
              List<Listed> out = new ArrayList<>();
              while (rs.next()) {
                long disabled = rs.getLong(4);
                boolean active = rs.wasNull();
                out.add(
                    new Listed(
                        rs.getString(1),
                        Role.parse(rs.getString(2)),
                        Instant.ofEpochMilli(rs.getLong(3)),
                        active ? null : Instant.ofEpochMilli(disabled),
                        rs.getInt(5)));
              }
              return out;
            }
          }
        });
  }

  /** The active operator with this name. */
  public Optional<Operator> find(String name) {
    return database.read(c -> findActive(c, name));
  }

  /**
   * The active operator with this name, locked until the transaction ends, so that a change made to
   * them (a token issued, roles set, the account disabled) cannot interleave with another.
   */
  private Operator requireActive(Connection c, String name) throws SQLException {
    return findActive(c, name, database.dialect().forUpdate())
        .orElseThrow(
            () -> new IllegalArgumentException("no active operator named \"" + name + "\""));
  }

  private static Optional<Operator> findActive(Connection c, String name) throws SQLException {
    return findActive(c, name, "");
  }

  private static Optional<Operator> findActive(Connection c, String name, String suffix)
      throws SQLException {
    if (name == null) {
      return Optional.empty();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, name, roles FROM operators WHERE name = ? AND disabled_at IS NULL"
                + suffix)) {
      ps.setString(1, name.strip());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(operator(rs, 1)) : Optional.empty();
      }
    }
  }

  /** Reads id, name and roles from three columns starting at {@code first}. */
  private static Operator operator(ResultSet rs, int first) throws SQLException {
    return new Operator(
        rs.getLong(first), rs.getString(first + 1), Role.parse(rs.getString(first + 2)));
  }

  private static String checkPassword(String password) {
    int length = password.codePointCount(0, password.length());
    if (length < MIN_PASSWORD_LENGTH) {
      throw ProblemException.validation(
          "a password must be at least " + MIN_PASSWORD_LENGTH + " characters");
    }
    if (password.length() > MAX_PASSWORD_LENGTH) {
      throw ProblemException.validation(
          "a password must be at most " + MAX_PASSWORD_LENGTH + " characters");
    }
    return password;
  }

  /** A new strong password: 144 random bits, as 24 URL-safe characters. */
  public static String generatePassword() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return ARGON2.hash(password.getBytes(StandardCharsets.UTF_8), salt).getResult();
  }

  /** Verifies with the parameters recorded in the hash, so that stronger ones can come later. */
  private static boolean verify(String password, String hash) {
    try {
      return Argon2Function.getInstanceFromHash(hash)
          .check(
              password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return false; // not an Argon2 hash Waypost wrote; nothing to match
    }
  }

  /**
   * The hash of a random password, computed on first use; an unknown name is checked against it.
   */
  private static final class Dummy {
    static final String HASH = hash(generatePassword());
  }
}
