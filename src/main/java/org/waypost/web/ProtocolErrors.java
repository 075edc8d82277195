package org.waypost.web;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.waypost.error.ProblemType;

/**
 * The errors Jetty answers itself, before Waypost routes anything: a malformed request line, a NUL
 * or a bad escape in the address ({@link MalformedEscapes}), an address or headers too large. Jetty
 * would write an HTML page of its own without the security headers; these get what every other
 * error gets, from {@link Problems}: problem+json on the API (and wherever the path is not known),
 * the error page for a browser elsewhere, and the {@link SecurityHeaders}. The detail is fixed per
 * status: Jetty's own reason may quote the request.
 */
final class ProtocolErrors extends ErrorHandler {
  private final Problems problems;

  ProtocolErrors(Problems problems) {
    this.problems = problems;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    ProblemType type = type(response.getStatus());
    String path = path(request);
    Problems.Written written =
        problems.written(path, request.getHeaders().get(HttpHeader.ACCEPT), type, detail(type));
    response.setStatus(type.status());
    var headers = response.getHeaders();
    boolean page = written.contentType().startsWith("text/html");
    SecurityHeaders.apply(!page, request.isSecure(), headers::put);
    headers.put(HttpHeader.CONTENT_TYPE, written.contentType());
    response.write(true, ByteBuffer.wrap(written.body()), callback);
    return true;
  }

  /** The request's path when Jetty could parse it; null when not (an address too long, say). */
  private static String path(Request request) {
    try {
      String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
      return path == null || path.isEmpty() ? null : path;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static ProblemType type(int status) {
    return switch (status) {
      case 404 -> ProblemType.NOT_FOUND;
      case 405 -> ProblemType.METHOD_NOT_ALLOWED;
      case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
      case 414 -> ProblemType.URI_TOO_LONG;
      case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
      case 431 -> ProblemType.HEADERS_TOO_LARGE;
      case 503 -> ProblemType.UNAVAILABLE;
      // a method or an HTTP version Jetty does not know: the request line's fault
      case 501, 505 -> ProblemType.BAD_REQUEST;
      default ->
          status >= 400 && status < 500 ? ProblemType.BAD_REQUEST : ProblemType.INTERNAL_ERROR;
    };
  }

  private static String detail(ProblemType type) {
    return switch (type) {
      case BAD_REQUEST ->
          "The request is malformed: its request line, an escape or character in its address,"
              + " or a header.";
      case URI_TOO_LONG -> "The address is too long.";
      case HEADERS_TOO_LARGE -> "The request's headers are too large.";
      case PAYLOAD_TOO_LARGE -> "The request's body is too large.";
      case NOT_FOUND -> "There is nothing at this address.";
      case UNAVAILABLE -> "The service is not available right now. Try again in a few seconds.";
      default -> type.title() + ".";
    };
  }
}
