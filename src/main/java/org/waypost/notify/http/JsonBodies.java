package org.waypost.notify.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.json.Json;
import org.waypost.shipper.LimitedInputStream;

/** A small JSON object body, read within a size limit and with only the fields it may have. */
final class JsonBodies {
  private JsonBodies() {}

  /**
   * The body as an object; a problem for another media type, too many bytes, bad JSON, or a field
   * not in {@code fields} (whose name is not echoed).
   */
  static JsonNode object(Context ctx, long maxBytes, Set<String> fields, String what)
      throws IOException {
    String type = ctx.contentType() == null ? "" : ctx.contentType().split(";")[0].strip();
    if (!type.equalsIgnoreCase("application/json")) {
      throw new ProblemException(
          ProblemType.UNSUPPORTED_MEDIA_TYPE, "send the " + what + " as application/json");
    }
    if (ctx.req().getContentLengthLong() > maxBytes) {
      throw LimitedInputStream.tooLarge(maxBytes);
    }
    JsonNode body;
    try (InputStream in = new LimitedInputStream(ctx.req().getInputStream(), maxBytes)) {
      body = Json.MAPPER.readTree(in);
    } catch (JsonProcessingException e) {
      throw ProblemException.validation("the body is not valid JSON");
    }
    if (body == null || !body.isObject()) {
      throw ProblemException.validation("the body must be a JSON object: the " + what);
    }
    for (var names = body.fieldNames(); names.hasNext(); ) {
      if (!fields.contains(names.next())) {
        throw ProblemException.validation("unknown field: only " + fields + " are allowed");
      }
    }
    return body;
  }
}
