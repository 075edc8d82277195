package org.waypost.web;

import io.javalin.http.Context;

/**
 * How a feature takes part in every request without the server knowing the feature: visitor
 * capture, the access log and abuse defence plug in here. Hooks run in the order given to {@link
 * HttpServer}; a hook must be cheap (every lookup runs them all) and must not throw.
 */
public interface RequestHook {
  /** Before routing, once the client is settled. */
  default void received(Context ctx, Exchange exchange) {}

  /** After the response was written: the matched route template and the time taken. */
  default void answered(Context ctx, Exchange exchange, String route, float millis) {}
}
