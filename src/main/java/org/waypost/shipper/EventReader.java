package org.waypost.shipper;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * a valid event or the reason it is not, at its index. Whatever one element holds (nesting, size,
 * numbers, encoding, times out of range) rejects that element only; {@link JsonScreen} sees to it
 * that Jackson never stops on an element's content. Only a JSON array that is not well-formed JSON
 * is refused as a whole, with the position of the error: nothing in it can be trusted to be where
 * it seems. NDJSON and CSV are read line by line, each line decoded on its own, so a line can be
 * refused for anything, its encoding included, without its neighbours.
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
  private static final List<String> CSV_REQUIRED =
      List.of("eventId", "trackingNumber", "type", "time");

  /** Times outside these years are refused: no scan has one, and they overflow epoch millis. */
  static final int FIRST_YEAR = 1970;

  static final int LAST_YEAR = 9999;
  static final String TIME_FORM =
      "time must be an ISO-8601 date-time with an offset, in a year from "
          + FIRST_YEAR
          + " to "
          + LAST_YEAR
          + ", such as 2026-11-28T14:03:00-08:00";

  /** Reads one array element at a time; the whole-body trailing-token check is done by hand. */
  private static final ObjectReader ELEMENT_READER =
      Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Receives each item of a line-based file with the number of the line it came from, from 1. */
  @FunctionalInterface
  public interface Sink {
    void accept(Item item, long line);
  }

  private final int maxEvents;

  /**
   * @param maxEvents the most events one read may return; 0 for no limit
   */
  public EventReader(int maxEvents) {
    this.maxEvents = maxEvents;
  }

  /**
   * Reads a JSON array of events. The body is held in memory (the caller bounds its size) and
   * screened before it is parsed.
   *
   * @throws ProblemException {@code validation-failed} naming the line and column if the body is
   *     not well-formed JSON, {@code payload-too-large} over the event limit
   */
  public List<Item> readJsonArray(InputStream in) {
    byte[] body;
    try {
      body = in.readAllBytes();
    } catch (IOException e) {
      throw ProblemException.validation("the body could not be read");
    }
    Map<Integer, String> rejected = JsonScreen.array(body);
    List<Item> items = new ArrayList<>();
    try (JsonParser parser = Json.MAPPER.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw ProblemException.validation(
            "the body must be a JSON array of events (or NDJSON with Content-Type application/x-ndjson)");
      }
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        int index = items.size();
        checkCount(index);
        JsonNode node = ELEMENT_READER.readTree(parser);
        String reason = rejected.get(index);
        items.add(
            reason == null
                ? item(index, node)
                : new Invalid(index, ProblemType.VALIDATION_FAILED, reason));
      }
      if (parser.nextToken() != null) {
        throw ProblemException.validation("unexpected content after the JSON array");
      }
    } catch (JsonProcessingException e) {
      throw ProblemException.validation("the body is not valid JSON" + position(e));
    } catch (IOException e) {
      throw ProblemException.validation("the body could not be read");
    }
    return items;
  }

  private static String position(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }

  /** Reads newline-delimited JSON: one event per line; a malformed line rejects that line. */
  public List<Item> readNdjson(InputStream in) {
    List<Item> items = new ArrayList<>();
    try {
      forEachNdjson(in, (item, line) -> items.add(item));
    } catch (IOException e) {
      throw ProblemException.validation("the body could not be read");
    }
    return items;
  }

  /**
   * Streams NDJSON items to {@code sink} without holding them all (for large imports). Blank lines
   * are skipped; they count as lines but not as events.
   */
  public void forEachNdjson(InputStream in, Sink sink) throws IOException {
    Lines.forEach(in, new NdjsonLines(sink));
  }

  private final class NdjsonLines implements Lines.Sink {
    private final Sink sink;
    private int index;

    NdjsonLines(Sink sink) {
      this.sink = sink;
    }

    @Override
    public void line(byte[] bytes, int from, int to, long number) {
      if (Lines.isBlank(bytes, from, to)) {
        return;
      }
      checkCount(index);
      sink.accept(ndjsonItem(index++, bytes, from, to), number);
    }

    @Override
    public void tooLong(long number) {
      checkCount(index);
      sink.accept(invalid(index++, lineTooLong()), number);
    }
  }

  private static Item ndjsonItem(int index, byte[] bytes, int from, int to) {
    String rejected = JsonScreen.value(bytes, from, to);
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(bytes, from, to - from);
    } catch (JsonProcessingException e) {
      return invalid(
          index, rejected != null ? rejected : "this line is not valid JSON" + column(e));
    } catch (IOException e) {
      // Not an I/O failure (the line is in memory) but Jackson's encoding detection refusing the
      // first bytes, e.g. 00 00 03 00 as UTF-32 of an unsupported byte order
      // (CharConversionException): a line that is not JSON, like any other.
      return invalid(index, rejected != null ? rejected : "this line is not valid JSON");
    }
    return rejected != null ? invalid(index, rejected) : item(index, node);
  }

  private static String column(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return at == null ? "" : " (column " + at.getColumnNr() + ")";
  }

  /**
   * Streams CSV rows to {@code sink}. Line 1 is the header, naming the columns of {@link
   * #CSV_COLUMNS} in any order, at least those an event requires; blank lines are skipped. Each row
   * is decoded and split on its own ({@link CsvLine}), so a row that is not UTF-8, holds a NUL or
   * leaves a quote open is rejected alone.
   *
   * @throws ProblemException {@code validation-failed} if the header cannot be read: then nothing
   *     is read
   */
  public static void forEachCsv(InputStream in, Sink sink) throws IOException {
    Lines.forEach(in, new CsvRows(sink));
  }

  private static final class CsvRows implements Lines.Sink {
    private final Sink sink;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
    private List<String> header;
    private int index;

    CsvRows(Sink sink) {
      this.sink = sink;
    }

    @Override
    public void line(byte[] bytes, int from, int to, long number) {
      if (header == null) {
        header = header(bytes, from, to);
      } else if (!Lines.isBlank(bytes, from, to)) {
        sink.accept(row(index++, bytes, from, to), number);
      }
    }

    @Override
    public void tooLong(long number) {
      if (header == null) {
        throw badHeader(lineTooLong());
      }
      sink.accept(invalid(index++, lineTooLong()), number);
    }

    private List<String> header(byte[] bytes, int from, int to) {
      List<String> columns;
      try {
        columns = CsvLine.fields(decode(bytes, from, to));
      } catch (Fields.Invalid e) {
        throw badHeader(e.getMessage());
      }
      if (!columns.containsAll(CSV_REQUIRED)) {
        throw badHeader("it must name the columns " + String.join(",", CSV_COLUMNS));
      }
      if (new HashSet<>(columns).size() < columns.size()) {
        throw badHeader("it names a column twice");
      }
      return columns;
    }

    private Item row(int index, byte[] bytes, int from, int to) {
      List<String> values;
      try {
        values = CsvLine.fields(decode(bytes, from, to));
      } catch (Fields.Invalid e) {
        return invalid(index, e.getMessage());
      }
      if (values.size() != header.size()) {
        return invalid(
            index,
            "the row has " + values.size() + " fields where the header has " + header.size());
      }
      return item(index, fromCsv(header, values));
    }

    /** The line as text, refused if it is not UTF-8 or holds a NUL. */
    private String decode(byte[] bytes, int from, int to) {
      String line;
      try {
        line = utf8.decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
      } catch (CharacterCodingException e) {
        throw new Fields.Invalid("the line is not valid UTF-8");
      }
      if (line.indexOf('\0') >= 0) {
        throw new Fields.Invalid("the line holds a NUL character");
      }
      return line;
    }

    private static ProblemException badHeader(String why) {
      return ProblemException.validation("line 1 is not a CSV header: " + why);
    }
  }

  private static ObjectNode fromCsv(List<String> header, List<String> values) {
    ObjectNode event = Json.MAPPER.createObjectNode();
    ObjectNode location = Json.MAPPER.createObjectNode();
    for (int i = 0; i < header.size(); i++) {
      String column = header.get(i);
      String value = values.get(i);
      if (value.isEmpty()) {
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

  private static String lineTooLong() {
    return "the line is longer than " + Lines.MAX_BYTES + " bytes";
  }

  private static Invalid invalid(int index, String detail) {
    return new Invalid(index, ProblemType.VALIDATION_FAILED, detail);
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
      return invalid(index, e.getMessage());
    }
  }

  /** The time, refused unless in a year from {@value #FIRST_YEAR} to {@value #LAST_YEAR}. */
  private static OffsetDateTime time(String text) {
    OffsetDateTime time;
    try {
      time = OffsetTimes.parse(text);
    } catch (DateTimeParseException e) {
      throw new Fields.Invalid(TIME_FORM);
    }
    if (time.getYear() < FIRST_YEAR || time.getYear() > LAST_YEAR) {
      throw new Fields.Invalid(TIME_FORM);
    }
    return time;
  }
}
