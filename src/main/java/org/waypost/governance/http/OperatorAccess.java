package org.waypost.governance.http;

import io.javalin.http.Context;
import java.util.function.Supplier;
import org.waypost.governance.Operator;
import org.waypost.governance.OperatorAuth;
import org.waypost.governance.Role;
import org.waypost.web.Exchange;
import org.waypost.web.Gate;

/**
 * The check in front of every operator API route: the bearer token's operator, who holds one of the
 * roles the action needs, checked behind the authentication-failure lockout.
 */
public final class OperatorAccess {
  private final OperatorAuth auth;
  private final Gate gate;

  public OperatorAccess(OperatorAuth auth, Gate gate) {
    this.auth = auth;
    this.gate = gate;
  }

  /** The operator behind this request's token, if it has one of {@code roles}. */
  public Operator require(Context ctx, Role... roles) {
    return authenticated(ctx, () -> auth.requireAny(ctx.header("Authorization"), roles));
  }

  /** Runs a credential check of the caller's own behind the lockout. */
  public <T> T authenticated(Context ctx, Supplier<T> check) {
    return gate.authenticate(Exchange.of(ctx), check);
  }
}
