package org.waypost.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.waypost.App;
import org.waypost.error.ProblemException;
import org.waypost.shipper.EventReader;
import org.waypost.tracking.EventIngestion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "import",
    description = "Import data from files.",
    subcommands = ImportCommand.Events.class)
final class ImportCommand {

  /**
   * Streams a file of scan events into the store in batches of {@value #BATCH}, exactly as the API
   * would take them. On a terminal it shows progress with a rate and an ETA; at the end it always
   * prints a summary with the first rejections.
   */
  @Command(name = "events", description = "Import scan events from an NDJSON or CSV file.")
  static final class Events implements Callable<Integer> {
    static final int BATCH = 1000;
    private static final int SHOWN_REJECTIONS = 10;

    @Mixin Storage storage;
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "FILE",
        description = "events as NDJSON (.ndjson, .jsonl) or CSV with a header (.csv)")
    Path file;

    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        description = "ndjson or csv (default: from the file name)")
    String format;

    private long accepted;
    private long duplicates;
    private long rejected;
    private final List<String> firstRejections = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      String kind = format != null ? format.toLowerCase(Locale.ROOT) : fromName(file);
      if (!kind.equals("ndjson") && !kind.equals("csv")) {
        throw new CommandFailure(
            "cannot tell the format of " + file + ": use --format ndjson or --format csv");
      }
      long size;
      try {
        size = Files.size(file);
      } catch (NoSuchFileException e) {
        throw new CommandFailure("no such file: " + file);
      }
      PrintWriter out = spec.commandLine().getOut();
      Progress progress =
          new Progress(size, System.console() != null ? spec.commandLine().getErr() : null);
      try (App app = App.open(storage.load(), Clock.systemUTC());
          CountingStream in = new CountingStream(Files.newInputStream(file))) {
        Batch batch = new Batch();
        EventReader.Sink sink =
            (item, line) -> {
              batch.add(item, line);
              if (batch.items.size() == BATCH) {
                flush(app, batch);
                progress.show(in.count, accepted + duplicates + rejected);
              }
            };
        try {
          if (kind.equals("csv")) {
            EventReader.forEachCsv(in, sink);
          } else {
            new EventReader(0).forEachNdjson(in, sink);
          }
        } catch (ProblemException e) {
          throw new CommandFailure(file + ": " + e.detail());
        }
        flush(app, batch);
        progress.done();
      }
      long total = accepted + duplicates + rejected;
      out.printf(
          "Imported %,d events in %.1f s (%,.0f events/s): %,d accepted, %,d duplicates, %,d rejected.%n",
          total,
          progress.seconds(),
          total / Math.max(progress.seconds(), 0.001),
          accepted,
          duplicates,
          rejected);
      for (String line : firstRejections) {
        out.println("  " + line);
      }
      if (rejected > firstRejections.size()) {
        out.printf("  ... and %,d more rejections%n", rejected - firstRejections.size());
      }
      out.flush();
      return rejected == 0 ? 0 : 3;
    }

    /**
     * Rejections are shown by line and reason only: never with the event's tracking number, nor
     * anything else from the line.
     */
    private void flush(App app, Batch batch) {
      if (batch.items.isEmpty()) {
        return;
      }
      EventIngestion.Outcome outcome = app.ingestion().ingest(List.copyOf(batch.items));
      accepted += outcome.accepted();
      duplicates += outcome.duplicates();
      rejected += outcome.rejected().size();
      for (EventIngestion.Rejection r : outcome.rejected()) {
        if (firstRejections.size() < SHOWN_REJECTIONS) {
          firstRejections.add("line " + batch.lineOf(r.index()) + ": " + r.detail());
        }
      }
      batch.clear();
    }

    private static String fromName(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".csv")) {
        return "csv";
      }
      return name.endsWith(".ndjson") || name.endsWith(".jsonl") ? "ndjson" : "unknown";
    }
  }

  /** The items of one batch and the lines they came from. */
  private static final class Batch {
    final List<EventIngestion.Item> items = new ArrayList<>(Events.BATCH);
    private final long[] lines = new long[Events.BATCH];

    void add(EventIngestion.Item item, long line) {
      lines[items.size()] = line;
      items.add(item);
    }

    /** The line of the item with this index; items are indexed in order across batches. */
    long lineOf(int index) {
      return lines[index - items.get(0).index()];
    }

    void clear() {
      items.clear();
    }
  }

  /** Counts the bytes read, for progress by position in the file. */
  private static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count += b >= 0 ? 1 : 0;
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      count += Math.max(n, 0);
      return n;
    }
  }

  /** A one-line progress display: done, rate, ETA. Silent when not on a terminal. */
  private static final class Progress {
    private final long size;
    private final PrintWriter terminal;
    private final long started = System.nanoTime();

    Progress(long size, PrintWriter terminal) {
      this.size = size;
      this.terminal = terminal;
    }

    double seconds() {
      return (System.nanoTime() - started) / 1e9;
    }

    void show(long bytes, long events) {
      if (terminal == null) {
        return;
      }
      double elapsed = Math.max(seconds(), 0.001);
      double fraction = size == 0 ? 1 : Math.min(1, (double) bytes / size);
      long eta = fraction == 0 ? 0 : Math.round(elapsed / fraction - elapsed);
      terminal.printf(
          "\r%5.1f%%  %,d events  %,.0f events/s  ETA %d:%02d   ",
          fraction * 100, events, events / elapsed, eta / 60, eta % 60);
      terminal.flush();
    }

    void done() {
      if (terminal != null) {
        terminal.print("\r" + " ".repeat(70) + "\r");
        terminal.flush();
      }
    }
  }
}
