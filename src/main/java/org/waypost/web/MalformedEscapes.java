package org.waypost.web;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Refuses an address whose path or query holds a {@code %} not followed by two hex digits (such as
 * IIS's {@code %u0039}) with {@code 400}, before routing. Jetty lets some of those through, and
 * Javalin's decoding of a path parameter then fails as if it were Waypost's fault (a 500, even
 * before authentication). The refusal is written by {@link ProtocolErrors}, as Jetty's own are.
 */
final class MalformedEscapes extends Handler.Wrapper {
  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!wellFormed(request.getHttpURI().getPath())
        || !wellFormed(request.getHttpURI().getQuery())) {
      Response.writeError(request, response, callback, 400);
      return true;
    }
    return super.handle(request, response, callback);
  }

  /** Whether every {@code %} in {@code text} starts an escape of two hex digits. */
  static boolean wellFormed(String text) {
    if (text == null) {
      return true;
    }
    for (int i = text.indexOf('%'); i >= 0; i = text.indexOf('%', i + 1)) {
      if (i + 2 >= text.length() || !hex(text.charAt(i + 1)) || !hex(text.charAt(i + 2))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hex(char c) {
    return Character.digit(c, 16) >= 0 && c < 128;
  }
}
