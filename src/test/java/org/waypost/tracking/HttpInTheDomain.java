package org.waypost.tracking;

import io.javalin.http.Context;

/** An HTTP handler where domain code lives, for ArchitectureTest to find. */
public final class HttpInTheDomain {
  void handle(Context ctx) {
    ctx.result("in the wrong place");
  }
}
