package org.waypost.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.waypost.governance.AuditLog.Entry;
import org.waypost.governance.AuditLog.Verification;
import org.waypost.json.Json;

/**
 * One page of the audit log, newest entries first, filtered or not, under the result of verifying
 * the whole chain and the latest signed checkpoint.
 *
 * @param olderHref the next, older page of the same filter; null on the oldest page
 * @param newest whether this is the newest page
 * @param error why the filter was refused; null when it was not
 */
public record AuditPage(
    ConsolePage console,
    Verification verification,
    Filters filters,
    List<Row> entries,
    String olderHref,
    boolean newest,
    String error) {
  public AuditPage {
    entries = List.copyOf(entries);
  }

  /** The filter as typed: empty for "any". */
  public record Filters(String actor, String action, String from, String to) {
    static final Filters NONE = new Filters("", "", "", "");

    public boolean any() {
      return !(actor.isEmpty() && action.isEmpty() && from.isEmpty() && to.isEmpty());
    }

    /** The filter as a query string, with {@code extra} appended: {@code ?actor=lena&before=9}. */
    String query(String extra) {
      StringBuilder query = new StringBuilder();
      for (var field :
          List.of(
              Map.entry("actor", actor),
              Map.entry("action", action),
              Map.entry("from", from),
              Map.entry("to", to))) {
        if (!field.getValue().isEmpty()) {
          query
              .append(query.isEmpty() ? "?" : "&")
              .append(field.getKey())
              .append('=')
              .append(URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8));
        }
      }
      if (extra != null) {
        query.append(query.isEmpty() ? "?" : "&").append(extra);
      }
      return query.toString();
    }
  }

  /** An entry with its details as fields. */
  public record Row(Entry entry, List<Field> details) {
    static Row of(Entry entry) {
      return new Row(entry, fields(entry.details()));
    }
  }

  /** One fact of an entry's details; nested facts are named by their path, {@code scope.from}. */
  public record Field(String name, String value) {}

  public String newestHref() {
    return "/operator/audit" + filters.query(null);
  }

  public String csvHref() {
    return "/operator/audit.csv" + filters.query(null);
  }

  public String ndjsonHref() {
    return "/operator/audit.ndjson" + filters.query(null);
  }

  /** A hash shortened for reading; the full value is in the cell's title and the API. */
  public static String shortHash(String hash) {
    return hash == null || hash.length() < 16 ? hash : hash.substring(0, 16) + "…";
  }

  /** The details' facts, in the stored (sorted) order; text that is not JSON as it is. */
  static List<Field> fields(String details) {
    List<Field> fields = new ArrayList<>();
    try {
      JsonNode node = Json.MAPPER.readTree(details == null ? "{}" : details);
      if (node != null && node.isObject()) {
        flatten("", node, fields);
        return fields;
      }
    } catch (IOException e) {
      // not JSON (a tampered row, say): shown as stored, below
    }
    fields.add(new Field("details", String.valueOf(details)));
    return fields;
  }

  private static void flatten(String prefix, JsonNode node, List<Field> into) {
    for (var property : node.properties()) {
      String name = prefix + property.getKey();
      JsonNode value = property.getValue();
      if (value.isObject() && !value.isEmpty()) {
        flatten(name + ".", value, into);
      } else {
        into.add(new Field(name, text(value)));
      }
    }
  }

  private static String text(JsonNode value) {
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(item -> items.add(text(item)));
      return String.join(", ", items);
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }
}
