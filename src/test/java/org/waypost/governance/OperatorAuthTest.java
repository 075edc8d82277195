package org.waypost.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.db.Database;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.testing.Audits;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * What an operator route answers before it does anything: 401 for every kind of missing or bad
 * token, all alike, and 403 naming the role the operator lacks.
 */
class OperatorAuthTest {
  @TempDir Path dir;
  private Database database;
  private Operators operators;
  private OperatorAuth auth;
  private Operator legal;
  private String legalToken;

  @BeforeEach
  void open() {
    database = Database.open(TestApp.config(StoreKind.SQLITE.freshStore(dir)).database());
    operators =
        new Operators(
            database,
            Clock.systemUTC(),
            Audits.withoutCheckpoints(database, Clock.systemUTC(), dir));
    auth = new OperatorAuth(operators);
    legal = operators.add("lena", EnumSet.of(Role.LEGAL), "a long enough password").operator();
    legalToken = operators.issueToken("lena");
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void everyMissingOrBadTokenGetsTheSame401() {
    String revoked = operators.issueToken("lena");
    operators.revokeToken(Operators.tokenIdOf(revoked));
    String wrongSecret = legalToken.substring(0, legalToken.length() - 4) + "AAAA";
    if (wrongSecret.equals(legalToken)) {
      wrongSecret = legalToken.substring(0, legalToken.length() - 4) + "BBBB";
    }
    String unknownId = "wpo_" + "f".repeat(16) + "_" + OperatorsTest.secretOf(legalToken);

    List<String> headers = new ArrayList<>();
    headers.add(null);
    headers.add("");
    headers.add("Bearer");
    headers.add("Bearer ");
    headers.add("Basic bGVuYTpwYXNzd29yZA==");
    headers.add("Token " + legalToken);
    headers.add("Bearer" + legalToken);
    headers.add(legalToken);
    headers.add("Bearer not-a-token");
    headers.add("Bearer " + wrongSecret);
    headers.add("Bearer " + unknownId);
    headers.add("Bearer " + revoked);

    List<String> details = new ArrayList<>();
    for (String header : headers) {
      ProblemException e = refusal(header, Role.LEGAL);
      assertThat(e.type()).as("%s", header).isEqualTo(ProblemType.UNAUTHORIZED);
      details.add(e.detail());
    }
    assertThat(details).containsOnly(OperatorAuth.UNAUTHORIZED_DETAIL);
    assertThat(OperatorAuth.UNAUTHORIZED_DETAIL).contains("Bearer");
  }

  @Test
  void theWrongRoleGets403NamingTheRole() {
    ProblemException e = refusal("Bearer " + legalToken, Role.PRIVACY);

    assertThat(e.type()).isEqualTo(ProblemType.FORBIDDEN);
    assertThat(e.type().status()).isEqualTo(403);
    assertThat(e.detail()).isEqualTo("this action needs the privacy role");

    ProblemException any =
        catchThrowableOfType(
            ProblemException.class,
            () -> auth.requireAny("Bearer " + legalToken, Role.ADMIN, Role.SECURITY));
    assertThat(any.type()).isEqualTo(ProblemType.FORBIDDEN);
    assertThat(any.detail()).contains("admin").contains("security");
  }

  @Test
  void theRightRoleReturnsTheOperator() {
    assertThat(auth.require("Bearer " + legalToken, Role.LEGAL)).isEqualTo(legal);
    assertThat(auth.require("bearer  " + legalToken + " ", Role.LEGAL)).isEqualTo(legal);
    assertThat(auth.requireAny("Bearer " + legalToken, Role.PRIVACY, Role.LEGAL)).isEqualTo(legal);

    Operator both =
        operators.add("pia", Set.of(Role.LEGAL, Role.PRIVACY), "another long password").operator();
    String token = operators.issueToken("pia");
    assertThat(auth.require("Bearer " + token, Role.PRIVACY)).isEqualTo(both);
    assertThat(auth.require("Bearer " + token, Role.LEGAL)).isEqualTo(both);
  }

  private ProblemException refusal(String header, Role role) {
    ProblemException e =
        catchThrowableOfType(ProblemException.class, () -> auth.require(header, role));
    assertThat(e).as("refused: %s", header).isNotNull();
    return e;
  }
}
