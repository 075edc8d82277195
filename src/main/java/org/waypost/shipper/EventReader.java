package org.waypost.shipper;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.json.Json;
import org.waypost.tracking.EventIngestion.Invalid;
import org.waypost.tracking.EventIngestion.Item;
import org.waypost.tracking.EventIngestion.Valid;
import org.waypost.tracking.EventType;
import org.waypost.tracking.InvalidTrackingNumberException;
import org.waypost.tracking.ScanEvent;
import org.waypost.tracking.TrackingNumber;

/**
 * Turns a stream of scan events (a JSON array, NDJSON, or CSV with a header) into batch items: each
 * a valid event or the reason it is not. One bad event never spoils its neighbours; only a JSON
 * array that is not well-formed JSON is refused as a whole, since nothing in it can be trusted to
 * be where it seems.
 */
public final class EventReader {
  private static final Set<String> FIELDS =
      Set.of("eventId", "trackingNumber", "type", "time", "location", "description");
  static final List<String> CSV_COLUMNS =
      List.of(
          "eventId",
          "trackingNumber",
          "type",
          "time",
          "city",
          "region",
          "postalCode",
          "country",
          "description");

  /** Reads one array element at a time; the whole-body trailing-token check is done by hand. */
  private static final ObjectReader ELEMENT_READER =
      Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final int maxEvents;

  /**
   * @param maxEvents the most events one read may return; 0 for no limit
   */
  public EventReader(int maxEvents) {
    this.maxEvents = maxEvents;
  }

  /** Reads a JSON array of events; the whole body must be well-formed. */
  public List<Item> readJsonArray(InputStream in) {
    List<Item> items = new ArrayList<>();
    try (JsonParser parser = Json.MAPPER.createParser(in)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw ProblemException.validation(
            "the body must be a JSON array of events (or NDJSON with Content-Type application/x-ndjson)");
      }
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        checkCount(items.size());
        JsonNode node = ELEMENT_READER.readTree(parser);
        items.add(item(items.size(), node));
      }
      if (parser.nextToken() != null) {
        throw ProblemException.validation("unexpected content after the JSON array");
      }
    } catch (JsonProcessingException e) {
      throw ProblemException.validation(
          "the body is not valid JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")");
    } catch (IOException e) {
      throw ProblemException.validation("the body could not be read");
    }
    return items;
  }

  /** Reads newline-delimited JSON: one event per line; a malformed line rejects that line. */
  public List<Item> readNdjson(InputStream in) {
    List<Item> items = new ArrayList<>();
    forEachNdjson(in, items::add);
    return items;
  }

  /** Streams NDJSON items to {@code sink} without holding them all (for large imports). */
  public void forEachNdjson(InputStream in, Consumer<Item> sink) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      int index = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        checkCount(index);
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
          sink.accept(
              new Invalid(index++, ProblemType.VALIDATION_FAILED, "this line is not valid JSON"));
          continue;
        }
        sink.accept(item(index++, node));
      }
    } catch (IOException e) {
      throw ProblemException.validation("the body could not be read");
    }
  }

  /**
   * Streams CSV rows (header line required, columns as in {@link #CSV_COLUMNS}) to {@code sink}.
   */
  public static void forEachCsv(Reader in, Consumer<Item> sink) throws IOException {
    CsvMapper csv = new CsvMapper();
    csv.enable(CsvParser.Feature.TRIM_SPACES);
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    try (MappingIterator<Map<String, String>> rows =
        csv.readerFor(Map.class).with(schema).readValues(in)) {
      int index = 0;
      while (rows.hasNext()) {
        Map<String, String> row;
        try {
          row = rows.next();
        } catch (RuntimeJsonMappingException e) {
          sink.accept(
              new Invalid(
                  index++,
                  ProblemType.VALIDATION_FAILED,
                  "this row does not match the header (columns " + CSV_COLUMNS + ")"));
          continue;
        }
        sink.accept(item(index++, fromCsv(row)));
      }
    }
  }

  private static JsonNode fromCsv(Map<String, String> row) {
    ObjectNode event = Json.MAPPER.createObjectNode();
    ObjectNode location = Json.MAPPER.createObjectNode();
    for (var cell : row.entrySet()) {
      String column = cell.getKey();
      String value = cell.getValue();
      if (value == null || value.isEmpty()) {
        continue;
      }
      switch (column) {
        case "city", "region", "postalCode", "country" -> location.put(column, value);
        default -> event.put(column, value);
      }
    }
    if (!location.isEmpty()) {
      event.set("location", location);
    }
    return event;
  }

  private void checkCount(int count) {
    if (maxEvents > 0 && count >= maxEvents) {
      throw new ProblemException(
          ProblemType.PAYLOAD_TOO_LARGE,
          "a request may carry at most " + maxEvents + " events; split the batch");
    }
  }

  static Item item(int index, JsonNode node) {
    try {
      Fields.onlyKnown(node, FIELDS, "");
      String eventId = Fields.text(node, "eventId", 128, true, "");
      String rawNumber = Fields.text(node, "trackingNumber", 64, true, "");
      EventType type = Fields.choice(node, "type", EventType.class, "");
      OffsetDateTime time = time(Fields.text(node, "time", 40, true, ""));
      TrackingNumber number;
      try {
        number = TrackingNumber.parse(rawNumber);
      } catch (InvalidTrackingNumberException e) {
        return new Invalid(index, ProblemType.INVALID_TRACKING_NUMBER, e.detail());
      }
      return new Valid(
          index,
          new ScanEvent(
              eventId,
              number,
              type,
              time,
              Fields.location(node, "location", false, false),
              Fields.text(node, "description", 200, false, "")));
    } catch (Fields.Invalid e) {
      return new Invalid(index, ProblemType.VALIDATION_FAILED, e.getMessage());
    }
  }

  private static OffsetDateTime time(String text) {
    try {
      return OffsetTimes.parse(text);
    } catch (DateTimeParseException e) {
      throw new Fields.Invalid(
          "time must be an ISO-8601 date-time with an offset, such as 2026-11-28T14:03:00-08:00");
    }
  }
}
