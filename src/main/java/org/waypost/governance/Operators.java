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
import java.util.Base64;
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
 * another node within that time.
 *
 * <p>Passwords are chosen by people, so they get a slow, memory-hard hash: Argon2id with 19 MiB, 2
 * passes and 1 lane (OWASP's baseline setting): 60 to 80 ms on one core of a 2-core server. One
 * lane, so that two logins at once do not compete for both cores. A name that does not exist is
 * verified against a dummy hash, so the time a login takes does not tell which names do.
 *
 * <p>Creating operators, setting passwords, and issuing and revoking tokens are recorded in the
 * {@link AuditLog} (guarantee 6), each in the transaction of the change it records.
 */
public final class Operators {
  /** A new operator; {@code generatedPassword} is shown once, and is null when one was given. */
  public record Added(Operator operator, String generatedPassword) {}

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
  private final SecretVerifier<Operator> verifier = new SecretVerifier<>(PREFIX, this::activeToken);

  public Operators(Database db, Clock clock, AuditLog audit) {
    this.database = db;
    this.clock = clock;
    this.audit = audit;
  }

  /**
   * Creates an operator. With a null {@code password} a strong one is generated and returned once.
   *
   * @throws ProblemException {@code validation-failed} for a bad name, no role or a short password;
   *     {@code conflict} when the name is taken
   */
  public Added add(String name, Set<Role> roles, String password) {
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
                      LOCAL_ADMIN,
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
   * Issues a new API token for the operator and returns it; it is shown only now.
   *
   * @throws IllegalArgumentException when no active operator has that name
   */
  public String issueToken(String operatorName) {
    PrefixedSecret token = PrefixedSecret.issue(PREFIX);
    String tokenId = token.id();
    long now = clock.millis();
    database.inTransaction(
        c -> {
          Operator operator =
              findActive(c, operatorName)
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "no active operator named \"" + operatorName + "\""));
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO operator_tokens (token_id, token_hash, operator_id, created_at)"
                      + " VALUES (?, ?, ?, ?)")) {
            ps.setString(1, tokenId);
            ps.setBytes(2, token.secretHash());
            ps.setLong(3, operator.id());
            ps.setLong(4, now);
            ps.executeUpdate();
          }
          audit.append(
              c,
              LOCAL_ADMIN,
              "operator.token.create",
              "operator:" + operator.name(),
              Map.of("tokenId", tokenId));
          return null;
        });
    audit.checkpointWhenPossible();
    return token.text();
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
   * The stored hash and operator of the unrevoked token with this id, if the operator is active.
   */
  private Optional<Stored<Operator>> activeToken(String tokenId) {
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT t.token_hash, o.id, o.name, o.roles FROM operator_tokens t"
                      + " JOIN operators o ON o.id = t.operator_id"
                      + " WHERE t.token_id = ? AND t.revoked_at IS NULL"
                      + " AND o.disabled_at IS NULL")) {
            ps.setString(1, tokenId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(new Stored<>(rs.getBytes(1), operator(rs, 2)))
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

  /** The active operator with this name. */
  public Optional<Operator> find(String name) {
    return database.read(c -> findActive(c, name));
  }

  private static Optional<Operator> findActive(Connection c, String name) throws SQLException {
    if (name == null) {
      return Optional.empty();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, name, roles FROM operators WHERE name = ? AND disabled_at IS NULL")) {
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
