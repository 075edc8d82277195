package org.waypost.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.waypost.json.Json;

/**
 * The API reference that {@code /docs} shows, read once from {@code openapi.json} — the same file
 * {@code /openapi.json} serves, so the page cannot say something the description does not. Each
 * operation comes with a curl command built from the description's examples (and, for a body, from
 * its schema), so that the page needs no script to be useful.
 */
public final class ApiReference {
  /** A parameter of an operation. */
  public record Parameter(
      String name, String in, boolean required, String type, String description) {}

  /** One answer an operation may give. */
  public record Answer(String status, String description) {}

  /**
   * One route.
   *
   * @param credential the bearer credential it needs ("shipperKey", "operatorToken"); null for a
   *     public route
   */
  public record Operation(
      String id,
      String method,
      String path,
      String summary,
      String description,
      String credential,
      List<Parameter> parameters,
      List<String> bodyTypes,
      List<Answer> answers,
      String target,
      String body) {

    /** A curl command for this route against {@code base} (scheme and host). */
    public String curl(String base) {
      StringBuilder curl = new StringBuilder("curl -sS");
      if (!method.equals("GET")) {
        curl.append(" -X ").append(method);
      }
      if (credential != null) {
        curl.append(" -H \"Authorization: Bearer $")
            .append(credential.equals("shipperKey") ? "SHIPPER_KEY" : "OPERATOR_TOKEN")
            .append('"');
      }
      if (body != null) {
        curl.append(" -H 'Content-Type: application/json' \\\n     --data '")
            .append(body.replace("'", "'\\''"))
            .append('\'');
      }
      return curl.append(" \\\n     '").append(base).append(target).append('\'').toString();
    }

    public String anchor() {
      return id;
    }
  }

  /** The operations of one tag, in the description's order. */
  public record Section(String tag, String description, List<Operation> operations) {}

  private final String title;
  private final String version;
  private final String description;
  private final List<Section> sections;

  private ApiReference(String title, String version, String description, List<Section> sections) {
    this.title = title;
    this.version = version;
    this.description = description;
    this.sections = List.copyOf(sections);
  }

  public String title() {
    return title;
  }

  public String version() {
    return version;
  }

  public String description() {
    return description;
  }

  public List<Section> sections() {
    return sections;
  }

  /** The reference of the {@code openapi.json} in the build. */
  public static ApiReference load() {
    try (InputStream in = ApiReference.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("/openapi.json is missing from the build");
      }
      return of(Json.object(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ApiReference of(Map<String, Object> root) {
    Map<String, List<Operation>> byTag = new LinkedHashMap<>();
    Map<String, String> tagDescriptions = new LinkedHashMap<>();
    for (Object tag : list(root.get("tags"))) {
      byTag.put(text(map(tag).get("name")), new ArrayList<>());
      tagDescriptions.put(text(map(tag).get("name")), text(map(tag).get("description")));
    }
    for (var path : map(root.get("paths")).entrySet()) {
      for (var method : map(path.getValue()).entrySet()) {
        Map<String, Object> op = map(method.getValue());
        List<Object> tags = list(op.get("tags"));
        String tag = tags.isEmpty() ? "other" : text(tags.getFirst());
        byTag
            .computeIfAbsent(tag, t -> new ArrayList<>())
            .add(operation(root, path.getKey(), method.getKey(), op));
      }
    }
    List<Section> sections = new ArrayList<>();
    byTag.forEach(
        (tag, operations) -> {
          if (!operations.isEmpty()) {
            sections.add(
                new Section(tag, tagDescriptions.getOrDefault(tag, ""), List.copyOf(operations)));
          }
        });
    Map<String, Object> info = map(root.get("info"));
    return new ApiReference(
        text(info.get("title")),
        text(info.get("version")),
        text(info.get("description")),
        sections);
  }

  private static Operation operation(
      Map<String, Object> root, String path, String method, Map<String, Object> op) {
    List<Parameter> parameters = new ArrayList<>();
    String target = path;
    StringBuilder query = new StringBuilder();
    for (Object item : list(op.get("parameters"))) {
      Map<String, Object> p = map(item);
      String name = text(p.get("name"));
      String in = text(p.get("in"));
      boolean required = Boolean.TRUE.equals(p.get("required"));
      parameters.add(
          new Parameter(
              name,
              in,
              required,
              text(map(p.get("schema")).get("type")),
              text(p.get("description"))));
      Object example = p.get("example");
      if (in.equals("path")) {
        target = target.replace("{" + name + "}", example == null ? "1" : text(example));
      } else if (in.equals("query") && example != null) {
        query.append(query.isEmpty() ? '?' : '&').append(name).append('=').append(text(example));
      }
    }
    Map<String, Object> content = map(map(op.get("requestBody")).get("content"));
    List<String> bodyTypes = List.copyOf(content.keySet());
    String body = null;
    if (content.containsKey("application/json")) {
      Object schema = map(content.get("application/json")).get("schema");
      body = new String(Json.bytes(example(root, map(schema), 0)), StandardCharsets.UTF_8);
    }
    List<Answer> answers = new ArrayList<>();
    for (var response : map(op.get("responses")).entrySet()) {
      answers.add(new Answer(response.getKey(), text(map(response.getValue()).get("description"))));
    }
    List<Object> security = list(op.get("security"));
    String credential =
        security.isEmpty() || map(security.getFirst()).isEmpty()
            ? null
            : map(security.getFirst()).keySet().iterator().next();
    String id = text(op.get("operationId"));
    return new Operation(
        id.isEmpty() ? method + path : id,
        method.toUpperCase(Locale.ROOT),
        path,
        text(op.get("summary")),
        text(op.get("description")),
        credential,
        parameters,
        bodyTypes,
        answers,
        target + query,
        body);
  }

  /** A value that fits {@code schema}: its example, its first allowed value, or one of its type. */
  private static Object example(Map<String, Object> root, Map<String, Object> schema, int depth) {
    Object ref = schema.get("$ref");
    if (ref != null) {
      schema = resolve(root, text(ref));
    }
    if (schema.containsKey("example")) {
      return schema.get("example");
    }
    if (!list(schema.get("examples")).isEmpty()) {
      return list(schema.get("examples")).getFirst();
    }
    if (!list(schema.get("enum")).isEmpty()) {
      return list(schema.get("enum")).getFirst();
    }
    if (depth > 4) {
      return null;
    }
    Object typeValue = schema.get("type");
    String type =
        typeValue instanceof List<?> types && !types.isEmpty()
            ? text(types.getFirst())
            : typeValue == null ? "object" : text(typeValue);
    return switch (type) {
      case "array" -> List.of(example(root, map(schema.get("items")), depth + 1));
      case "integer", "number" -> 1;
      case "boolean" -> true;
      case "string" ->
          switch (text(schema.get("format"))) {
            case "date" -> "2026-12-04";
            case "date-time" -> "2026-12-04T09:30:00-05:00";
            default -> "...";
          };
      default -> {
        Map<String, Object> object = new LinkedHashMap<>();
        List<Object> required = list(schema.get("required"));
        for (var property : map(schema.get("properties")).entrySet()) {
          if (required.isEmpty() || required.contains(property.getKey())) {
            object.put(property.getKey(), example(root, map(property.getValue()), depth + 1));
          }
        }
        yield object;
      }
    };
  }

  /** The schema a local {@code $ref} ("#/components/schemas/Shipment") points to. */
  private static Map<String, Object> resolve(Map<String, Object> root, String ref) {
    Map<String, Object> node = root;
    for (String part : ref.substring(ref.indexOf('#') + 2).split("/")) {
      node = map(node.get(part));
    }
    return node;
  }

  @SuppressWarnings("unchecked") // JSON objects read as maps with string keys
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  @SuppressWarnings("unchecked") // JSON arrays read as lists
  private static List<Object> list(Object value) {
    return value instanceof List<?> list ? (List<Object>) list : List.of();
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }
}
