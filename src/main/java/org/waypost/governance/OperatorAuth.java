package org.waypost.governance;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/**
 * The check in front of every operator route: a bearer token that names an active operator, who
 * holds the role the action needs. It takes the raw {@code Authorization} header so that any
 * transport can use it. A refused token gets the same answer whether it was missing, malformed,
 * unknown or revoked, so the answer never tells which tokens or operators exist.
 */
public final class OperatorAuth {
  static final String UNAUTHORIZED_DETAIL =
      "this action needs a valid operator token (Authorization: Bearer <token>)";
  private static final String SCHEME = "Bearer";

  private final Operators operators;

  public OperatorAuth(Operators operators) {
    this.operators = operators;
  }

  /**
   * The operator presenting the token, who holds {@code role}.
   *
   * @throws ProblemException {@code unauthorized} without a valid token, {@code forbidden} without
   *     the role
   */
  public Operator require(String authorizationHeader, Role role) {
    return requireAny(authorizationHeader, role);
  }

  /** Like {@link #require}, for an action that any one of {@code roles} may take. */
  public Operator requireAny(String authorizationHeader, Role... roles) {
    if (roles.length == 0) {
      throw new IllegalArgumentException("name at least one role the action needs");
    }
    Operator operator =
        bearerToken(authorizationHeader)
            .flatMap(operators::authenticateToken)
            .orElseThrow(() -> new ProblemException(ProblemType.UNAUTHORIZED, UNAUTHORIZED_DETAIL));
    for (Role role : roles) {
      if (operator.has(role)) {
        return operator;
      }
    }
    throw new ProblemException(ProblemType.FORBIDDEN, forbiddenDetail(roles));
  }

  /** The credentials of {@code Bearer <token>}; the scheme is case-insensitive (RFC 9110). */
  private static Optional<String> bearerToken(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.strip();
    if (value.length() <= SCHEME.length()
        || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || value.charAt(SCHEME.length()) != ' ') {
      return Optional.empty();
    }
    return Optional.of(value.substring(SCHEME.length() + 1).strip());
  }

  private static String forbiddenDetail(Role... roles) {
    if (roles.length == 1) {
      return "this action needs the " + roles[0].label() + " role";
    }
    return "this action needs one of the roles "
        + Arrays.stream(roles).map(Role::label).collect(Collectors.joining(", "));
  }
}
