package org.waypost.shipper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.waypost.tracking.EventIngestion.Invalid;
import org.waypost.tracking.EventIngestion.Item;
import org.waypost.tracking.EventIngestion.Valid;
import org.waypost.tracking.EventType;

/**
 * The reader is total: fed batches in which valid scans are mixed with whatever an element can hold
 * (random JSON, nesting past any limit, huge numbers and strings, bytes that are not UTF-8, nulls
 * and wrong types in every field, times out of range), it returns every valid scan as {@link Valid}
 * at its index and everything else as {@link Invalid} at its index, and no exception escapes. Each
 * seed is a separate case, so a failure names a repeatable batch.
 */
class EventReaderPropertyTest {
  private static final int BATCHES_PER_SEED = 60;

  /** Valid numbers, as shippers write them: with and without spaces. */
  private static final String[] NUMBERS = {
    "9400111206206406260787",
    "9405803699300124287899",
    "9400 1112 0620 6406 2607 87",
    "EC123456785US",
    "420 22153 9400 1112 0620 6406 2607 87"
  };

  private static final String[] FIELDS = {
    "eventId", "trackingNumber", "type", "time", "location", "description"
  };
  private static final String[] REQUIRED = {"eventId", "trackingNumber", "type", "time"};

  private static final String[] BAD_TIMES = {
    "0000-01-01T00:00:00Z",
    "-999999999-01-01T00:00:00Z",
    "+999999999-12-31T23:59:59.999999999-18:00",
    "-0001-12-31T23:59:59+18:00",
    "1969-12-31T23:59:59Z",
    "+10000-01-01T00:00:00Z",
    "2026-11-28T14:03:00+18:01",
    "2026-02-30T10:00:00Z",
    "2026-11-28T14:03:00",
    "2026-11-28",
    "",
    "now"
  };

  /** One element of a batch: its bytes (never a line break) and whether it is a valid scan. */
  private record Element(byte[] json, String validId) {}

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void everyValidElementOfAnArrayIsReadAndEveryOtherRejectedAtItsIndex(long seed) {
    Random random = new Random(seed);
    for (int batch = 0; batch < BATCHES_PER_SEED; batch++) {
      List<Element> elements = batch(random);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(bytes(space(random) + "[" + space(random)));
      for (int i = 0; i < elements.size(); i++) {
        body.writeBytes(bytes(i == 0 ? "" : space(random) + "," + space(random)));
        body.writeBytes(elements.get(i).json());
      }
      body.writeBytes(bytes(space(random) + "]" + space(random)));

      List<Item> items =
          new EventReader(0).readJsonArray(new ByteArrayInputStream(body.toByteArray()));

      assertMatches(items, elements, "seed " + seed + ", batch " + batch);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void everyValidLineOfNdjsonIsReadAndEveryOtherRejectedAtItsIndex(long seed) throws IOException {
    Random random = new Random(seed);
    for (int batch = 0; batch < BATCHES_PER_SEED; batch++) {
      List<Element> elements = batch(random);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      List<Long> expectedLines = new ArrayList<>();
      long line = 1;
      for (Element element : elements) {
        while (random.nextInt(5) == 0) {
          body.writeBytes(bytes(random.nextBoolean() ? "\n" : " \t\r\n"));
          line++;
        }
        body.writeBytes(element.json());
        body.writeBytes(bytes(random.nextBoolean() ? "\n" : "\r\n"));
        expectedLines.add(line++);
      }
      List<Item> items = new ArrayList<>();
      List<Long> lines = new ArrayList<>();

      new EventReader(0)
          .forEachNdjson(
              new ByteArrayInputStream(body.toByteArray()),
              (item, at) -> {
                items.add(item);
                lines.add(at);
              });

      assertMatches(items, elements, "seed " + seed + ", batch " + batch);
      assertThat(lines).isEqualTo(expectedLines);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22, 23})
  void everyValidCsvRowIsReadAndEveryOtherRejectedAtItsLine(long seed) throws IOException {
    Random random = new Random(seed);
    for (int batch = 0; batch < BATCHES_PER_SEED; batch++) {
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      if (random.nextBoolean()) {
        file.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      }
      file.writeBytes(bytes(String.join(",", EventReader.CSV_COLUMNS) + "\n"));
      List<String> expected = new ArrayList<>();
      List<Long> expectedLines = new ArrayList<>();
      long line = 2;
      int rows = 1 + random.nextInt(30);
      for (int i = 0; i < rows; i++) {
        if (random.nextInt(6) == 0) {
          file.writeBytes(bytes("\n"));
          line++;
        }
        String id = "r-" + batch + "-" + i;
        boolean valid = random.nextInt(3) > 0;
        file.writeBytes(valid ? bytes(validRow(random, id)) : badRow(random, id));
        file.writeBytes(bytes(random.nextBoolean() ? "\n" : "\r\n"));
        expected.add(valid ? id : null);
        expectedLines.add(line++);
      }
      List<Item> items = new ArrayList<>();
      List<Long> lines = new ArrayList<>();

      EventReader.forEachCsv(
          new ByteArrayInputStream(file.toByteArray()),
          (item, at) -> {
            items.add(item);
            lines.add(at);
          });

      List<Element> elements = expected.stream().map(id -> new Element(null, id)).toList();
      assertMatches(items, elements, "seed " + seed + ", file " + batch);
      assertThat(lines).isEqualTo(expectedLines);
    }
  }

  private static void assertMatches(List<Item> items, List<Element> elements, String where) {
    assertThat(items).as(where).hasSize(elements.size());
    for (int i = 0; i < elements.size(); i++) {
      Item item = items.get(i);
      String id = elements.get(i).validId();
      String what = where + ", element " + i + ": " + shown(elements.get(i).json());
      assertThat(item.index()).as(what).isEqualTo(i);
      if (id == null) {
        assertThat(item).as(what).isInstanceOf(Invalid.class);
      } else {
        assertThat(item).as(what + " " + item).isInstanceOf(Valid.class);
        assertThat(((Valid) item).event().eventId()).as(what).isEqualTo(id);
      }
    }
  }

  private static String shown(byte[] json) {
    if (json == null) {
      return "";
    }
    String text = new String(json, StandardCharsets.UTF_8);
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  // ---- batches of JSON elements

  private static List<Element> batch(Random random) {
    int size = 1 + random.nextInt(25);
    List<Element> elements = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String id = "p-" + i + "-" + random.nextInt(1_000_000);
      elements.add(random.nextInt(3) == 0 ? valid(random, id) : bad(random, id));
    }
    return elements;
  }

  private static Element valid(Random random, String id) {
    List<String> fields = new ArrayList<>(validFields(random, id));
    if (random.nextInt(4) == 0) {
      fields.add(random.nextBoolean() ? "\"location\":null" : "\"description\":null");
    }
    Collections.shuffle(fields, random);
    return new Element(bytes(object(random, fields)), id);
  }

  /** The fields of a valid scan, each as {@code "name":value}. */
  private static List<String> validFields(Random random, String id) {
    List<String> fields = new ArrayList<>();
    fields.add("\"eventId\":" + string(id));
    fields.add("\"trackingNumber\":" + string(NUMBERS[random.nextInt(NUMBERS.length)]));
    EventType[] types = EventType.values();
    fields.add("\"type\":" + string(types[random.nextInt(types.length)].name()));
    fields.add("\"time\":" + string(validTime(random)));
    if (random.nextBoolean()) {
      fields.add(
          random.nextBoolean()
              ? "\"location\":{\"city\":\"Merrifield\",\"region\":\"VA\",\"postalCode\":\"22081\","
                  + "\"country\":\"US\"}"
              : "\"location\":{\"city\":\"Z\\u00fcrich\",\"country\":\"ch\"}");
    }
    if (random.nextBoolean()) {
      fields.add(
          "\"description\":"
              + string(random.nextBoolean() ? "Arrived at Zürich – 東京 😀" : "Sorted"));
    }
    return fields;
  }

  private static String validTime(Random random) {
    String[] offsets = {"Z", "+00:00", "-08:00", "+05:30", "+18:00", "-18:00", "+01:00:30"};
    return String.format(
        Locale.ROOT,
        "%04d-%02d-%02dT%02d:%02d:%02d%s%s",
        1970 + random.nextInt(8030),
        1 + random.nextInt(12),
        1 + random.nextInt(28),
        random.nextInt(24),
        random.nextInt(60),
        random.nextInt(60),
        random.nextBoolean() ? "" : "." + random.nextInt(1000),
        offsets[random.nextInt(offsets.length)]);
  }

  private static Element bad(Random random, String id) {
    return new Element(
        switch (random.nextInt(12)) {
          case 0 -> bytes(junk(random, 0));
          case 1 -> bytes(withField(random, id, deep(random)));
          case 2 ->
              bytes(random.nextBoolean() ? deep(random) : withField(random, id, deep(random)));
          case 3 -> bytes(withField(random, id, hugeNumber(random)));
          case 4 -> bytes(random.nextBoolean() ? hugeNumber(random) : hugeString(random));
          case 5 -> bytes(withField(random, id, hugeString(random)));
          case 6 -> notUtf8(random, id);
          case 7 -> bytes(withReplaced(random, id, field -> "null"));
          case 8 -> bytes(withReplaced(random, id, field -> notAString(junk(random, 3))));
          case 9 -> bytes(withReplaced(random, id, "time", string(pick(random, BAD_TIMES))));
          case 10 ->
              bytes(
                  withReplaced(
                      random,
                      id,
                      pick(random, REQUIRED),
                      "\"" + pick(random, new String[] {"\\uD800", "a\\uDFFF", "\\u0000"}) + "\""));
          default ->
              bytes(
                  withReplaced(
                      random,
                      id,
                      "trackingNumber",
                      string(pick(random, new String[] {"9400111206206406260788", "1Z", ""}))));
        },
        null);
  }

  /** A valid scan with one more, unknown field holding {@code value}. */
  private static String withField(Random random, String id, String value) {
    List<String> fields = new ArrayList<>(validFields(random, id));
    fields.add(string(random.nextBoolean() ? "extra" : "9400111206206406260787") + ":" + value);
    Collections.shuffle(fields, random);
    return object(random, fields);
  }

  /** A valid scan whose required field (or location) holds what {@code value} gives instead. */
  private static String withReplaced(Random random, String id, Function<String, String> value) {
    String field = random.nextInt(5) == 0 ? "location" : pick(random, REQUIRED);
    String replacement = value.apply(field);
    if (field.equals("location") && replacement.equals("null")) {
      field = "type"; // a null location is valid
    }
    return withReplaced(random, id, field, replacement);
  }

  private static String withReplaced(Random random, String id, String field, String value) {
    List<String> fields = new ArrayList<>();
    for (String f : validFields(random, id)) {
      if (!f.startsWith("\"" + field + "\":")) {
        fields.add(f);
      }
    }
    fields.add("\"" + field + "\":" + value);
    Collections.shuffle(fields, random);
    return object(random, fields);
  }

  /** A valid scan with bytes that are not UTF-8 inside its description. */
  private static byte[] notUtf8(Random random, String id) {
    byte[][] bad = {
      {(byte) 0x80},
      {(byte) 0xC0, (byte) 0xAF},
      {(byte) 0xE0, (byte) 0x80, (byte) 0x80},
      {(byte) 0xED, (byte) 0xB0, (byte) 0x80},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xF8},
      {(byte) 0xFF, (byte) 0xFE},
      {(byte) 0xE2, (byte) 0x82}
    };
    List<String> fields = new ArrayList<>(validFields(random, id));
    fields.removeIf(f -> f.startsWith("\"description\":"));
    fields.add("\"description\":\"Arrived@@\"");
    Collections.shuffle(fields, random);
    String text = object(random, fields);
    int at = text.indexOf("@@");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(bytes(text.substring(0, at)));
    out.writeBytes(bad[random.nextInt(bad.length)]);
    out.writeBytes(bytes(text.substring(at + 2)));
    return out.toByteArray();
  }

  private static String object(Random random, List<String> fields) {
    StringBuilder out = new StringBuilder("{").append(space(random));
    for (int i = 0; i < fields.size(); i++) {
      out.append(i == 0 ? "" : "," + space(random)).append(fields.get(i));
    }
    return out.append(space(random)).append('}').toString();
  }

  // ---- what an element can hold

  /** A random JSON value, never a valid scan. */
  private static String junk(Random random, int depth) {
    int kind = random.nextInt(depth > 4 ? 6 : 9);
    return switch (kind) {
      case 0 -> "null";
      case 1 -> random.nextBoolean() ? "true" : "false";
      case 2 -> Long.toString(random.nextLong());
      case 3 -> pick(random, new String[] {"-0", "1e308", "1e999999", "-1.5E-400", "0.0000001"});
      case 4, 5 -> string(randomText(random, random.nextInt(40)));
      case 6 -> {
        StringBuilder array = new StringBuilder("[");
        for (int i = random.nextInt(5); i > 0; i--) {
          array.append(junk(random, depth + 1)).append(i > 1 ? "," : "");
        }
        yield array.append(']').toString();
      }
      default -> {
        List<String> fields = new ArrayList<>();
        for (int i = random.nextInt(6); i > 0; i--) {
          String name =
              random.nextBoolean() ? pick(random, FIELDS) : randomText(random, random.nextInt(9));
          fields.add(string(name) + ":" + junk(random, depth + 1));
        }
        yield object(random, fields);
      }
    };
  }

  /** Nesting past the limit, of arrays and objects, with strings that hold brackets. */
  private static String deep(Random random) {
    int levels = 33 + random.nextInt(random.nextBoolean() ? 10 : 3000);
    StringBuilder open = new StringBuilder();
    StringBuilder close = new StringBuilder();
    for (int i = 0; i < levels; i++) {
      if (random.nextBoolean()) {
        open.append('[');
        close.insert(0, ']');
      } else {
        open.append("{\"k").append(random.nextInt(3)).append("\\\"]}\":");
        close.insert(0, '}');
      }
    }
    return open + junk(random, 5) + close;
  }

  /** Junk that cannot pass for a valid event id by chance. */
  private static String notAString(String junk) {
    return junk.startsWith("\"") ? "[" + junk + "]" : junk;
  }

  private static String hugeNumber(Random random) {
    String digits = "1" + "0".repeat(100 + random.nextInt(3000));
    return switch (random.nextInt(4)) {
      case 0 -> digits;
      case 1 -> "-" + digits + ".5";
      case 2 -> "0." + digits + "e-7";
      default -> "1e" + digits;
    };
  }

  private static String hugeString(Random random) {
    String[] units = {"x", "\\\"", "\\u00e9", "é", "😀", "\\\\", "]}"};
    String unit = pick(random, units);
    return "\"" + unit.repeat(1 + (4097 + random.nextInt(5000)) / unit.length()) + "\"";
  }

  private static String randomText(Random random, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append(
          switch (random.nextInt(6)) {
            case 0 -> (char) random.nextInt(0x20);
            case 1 -> (char) (0xD800 + random.nextInt(0x800));
            case 2 -> pick(random, new String[] {"\"", "\\", "[", "{", "]", "}", ",", ":"});
            case 3 -> new String(Character.toChars(0x80 + random.nextInt(0x10FF80 - 0x800)));
            default -> (char) ('a' + random.nextInt(26));
          });
    }
    return text.toString();
  }

  /** A JSON string: quotes, backslashes, control characters and surrogates escaped. */
  private static String string(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static String space(Random random) {
    return pick(random, new String[] {"", "", "", " ", "\t", "  "});
  }

  private static String pick(Random random, String[] options) {
    return options[random.nextInt(options.length)];
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  // ---- CSV rows

  private static String validRow(Random random, String id) {
    String description =
        switch (random.nextInt(3)) {
          case 0 -> "";
          case 1 -> "\"Arrived, \"\"early\"\"\"";
          default -> " Sorted in Zürich ";
        };
    String place =
        switch (random.nextInt(3)) {
          case 0 -> ",,,";
          case 1 -> "Merrifield,VA,22081,US";
          default -> ",,,US";
        };
    return String.join(
        ",",
        random.nextBoolean() ? id : "\"" + id + "\"",
        pick(random, NUMBERS),
        EventType.values()[random.nextInt(EventType.values().length)].name(),
        validTime(random),
        place,
        description);
  }

  private static byte[] badRow(Random random, String id) {
    String good = validRow(random, id);
    return switch (random.nextInt(8)) {
      case 0 -> bytes(good.replaceFirst(",", ",\"")); // a quote left open
      case 1 -> bytes(good.replace(id, id.substring(0, 2) + "\u0000" + id.substring(2)));
      case 2 -> bytes(good + ",extra");
      case 3 -> bytes(good.substring(0, good.lastIndexOf(',')));
      case 4 -> bytes(good.replace(id, "\"" + id + "\"x"));
      case 5 -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(good.substring(0, good.indexOf(','))));
        out.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
        out.writeBytes(bytes(good.substring(good.indexOf(','))));
        yield out.toByteArray();
      }
      case 6 -> {
        String[] cells = good.split(",", -1);
        cells[3] = pick(random, BAD_TIMES);
        yield bytes(String.join(",", cells));
      }
      default -> bytes("x" + randomText(random, random.nextInt(30)).replace("\n", "x"));
    };
  }
}
