package org.waypost.bench;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.waypost.json.Json;
import org.waypost.shipper.EventReader;
import org.waypost.tracking.TrackingNumber;

/**
 * How fast {@link EventReader} reads JSON-array batches of valid scans, against Jackson alone
 * reading the same bodies into trees in the same run: the ratio is what the reader's own work
 * (checking each element and each field, parsing times and numbers) costs on top of parsing. A
 * plain main, not a test: run it with
 *
 * <pre>
 * mvn -q test-compile &amp;&amp; java -cp target/classes:target/test-classes:$(mvn -q
 *   dependency:build-classpath -Dmdep.outputFile=/dev/stdout) org.waypost.bench.EventReaderBenchmark
 * </pre>
 *
 * <p>Arguments: events per body (1,000, as bench/ingest.sh posts them), bodies (100: 100,000
 * events), rounds (15; the first third is warm-up and not counted).
 */
public final class EventReaderBenchmark {
  private EventReaderBenchmark() {}

  public static void main(String[] args) throws Exception {
    int perBody = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int bodies = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    List<byte[]> batches = batches(perBody, bodies);
    long bytes = batches.stream().mapToLong(b -> b.length).sum();
    EventReader reader = new EventReader(perBody);
    List<Double> jackson = new ArrayList<>();
    List<Double> waypost = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      double tree = time(batches, body -> Json.MAPPER.readTree(body).size());
      double read =
          time(batches, body -> reader.readJsonArray(new ByteArrayInputStream(body)).size());
      if (round >= rounds / 3) {
        jackson.add(tree);
        waypost.add(read);
      }
    }
    double events = (double) perBody * bodies;
    double tree = median(jackson);
    double read = median(waypost);
    System.out.printf(
        Locale.ROOT,
        "%,d events in %d bodies of %,d (%,.0f bytes per event), median of %d rounds:%n"
            + "  Jackson readTree alone: %,12.0f events/s%n"
            + "  EventReader:            %,12.0f events/s  (%.2f of Jackson alone)%n",
        (long) events,
        bodies,
        perBody,
        (double) bytes / events,
        jackson.size(),
        events / tree,
        events / read,
        tree / read);
  }

  private interface Read {
    int apply(byte[] body) throws Exception;
  }

  /** Seconds to read every body once; the counts are summed so that no read can be dropped. */
  private static double time(List<byte[]> batches, Read read) throws Exception {
    long started = System.nanoTime();
    long items = 0;
    for (byte[] body : batches) {
      items += read.apply(body);
    }
    if (items == 0) {
      throw new IllegalStateException("nothing was read");
    }
    return (System.nanoTime() - started) / 1e9;
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Scans as a carrier's feed sends them: distinct ids, a few hundred pieces, offsets, places. */
  private static List<byte[]> batches(int perBody, int bodies) {
    String[] types = {"ACCEPTED", "DEPARTED", "ARRIVED", "PROCESSED", "OUT_FOR_DELIVERY"};
    String[] offsets = {"-08:00", "-05:00", "Z", "+01:00"};
    List<byte[]> out = new ArrayList<>();
    Instant start = Instant.parse("2026-11-20T00:00:00Z");
    int n = 0;
    for (int b = 0; b < bodies; b++) {
      StringBuilder body = new StringBuilder("[");
      for (int i = 0; i < perBody; i++, n++) {
        String number = TrackingNumber.issueImpb("055", "123456", n % 500).value();
        String time = start.plusSeconds(37L * n).toString().replace("Z", offsets[n % 4]);
        body.append(i == 0 ? "" : ",")
            .append("{\"eventId\":\"feed-")
            .append(n)
            .append("\",\"trackingNumber\":\"")
            .append(number)
            .append("\",\"type\":\"")
            .append(types[n % types.length])
            .append("\",\"time\":\"")
            .append(time)
            .append("\",\"location\":{\"city\":\"MERRIFIELD\",\"region\":\"VA\",")
            .append("\"postalCode\":\"22081\",\"country\":\"US\"}")
            .append(n % 3 == 0 ? ",\"description\":\"Arrived at USPS Regional Facility\"" : "")
            .append('}');
      }
      out.add(body.append(']').toString().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }
}
