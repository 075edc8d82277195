package org.waypost.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.waypost.App;
import org.waypost.config.ConfigLoader;
import org.waypost.keys.MasterKey;
import org.waypost.testing.Fixtures;
import org.waypost.testing.TestServer;

/**
 * {@code waypost serve} as an operator runs it, in a process of its own, for the drills: started,
 * killed with SIGKILL, started again on the same store. The store and limits come in as {@code
 * WAYPOST_*} variables, so that the test's own {@link App} (which registers the pieces first) reads
 * exactly the configuration the process does.
 */
final class DrillServer implements TestServer, AutoCloseable {
  private final Path dir;
  private final Path config;
  private final Map<String, String> env;
  private Process process;
  private URI base;
  private int starts;

  /**
   * A server over the store that {@code store} (dotted keys, as {@code StoreKind.freshStore} gives)
   * names, with files under {@code dir}; lookups and shipper requests are not rate-limited, since
   * the drills send more than one client normally would.
   */
  DrillServer(Path dir, Map<String, String> store) throws Exception {
    this.dir = dir;
    this.config = dir.resolve("waypost.yaml");
    Files.writeString(config, "server: { host: 127.0.0.1, port: 0, drainSeconds: 1 }\n");
    Map<String, String> dotted = new HashMap<>(store);
    dotted.putAll(Fixtures.unlimitedLookups());
    dotted.put("abuse.shipperRequestsPerMinute", "1000000");
    dotted.put("abuse.clientNumbersPerDay", "1000000"); // a drill asks thousands from 127.0.0.1
    dotted.put("abuse.prefixNumbersPerDay", "1000000");
    this.env = new HashMap<>();
    dotted.forEach(
        (key, value) ->
            env.put("WAYPOST_" + key.replace('.', '_').toUpperCase(Locale.ROOT), value));
    MasterKey.createIfMissing(Path.of(store.get("privacy.masterKeyFile")));
  }

  /** Runs {@code work} on the store through an {@link App} of the test's own, before a start. */
  <T> T withApp(Function<App, T> work) {
    try (App app = App.open(ConfigLoader.load(config, env, Map.of()), Clock.systemUTC())) {
      return work.apply(app);
    }
  }

  /**
   * A shipper "Acme", its key and {@code count} registered pieces: the key first, then the numbers.
   */
  List<String> keyAndPieces(int count) {
    return withApp(
        app -> {
          var created = app.apiKeys().create("Acme");
          List<String> out = new java.util.ArrayList<>();
          out.add(created.key());
          for (int i = 0; i < count; i++) {
            out.add(
                app.shipments()
                    .register(created.shipper().id(), Fixtures.priorityToFairfax())
                    .trackingNumber());
          }
          return out;
        });
  }

  /** Starts serve and waits until it says it is serving. */
  DrillServer start() throws Exception {
    Path output = dir.resolve("serve-" + ++starts + ".log");
    process = ServeProcess.start(config, output, output, env);
    base = URI.create(ServeProcess.awaitServing(process, output));
    return this;
  }

  /** kill -9: no shutdown hook, no drain, no flush. */
  void kill() {
    process.destroyForcibly(); // SIGKILL on Linux
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("serve outlived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Everything the server has written to its output so far, for failure messages. */
  String output() throws java.io.IOException {
    return Files.readString(dir.resolve("serve-" + starts + ".log"));
  }

  @Override
  public URI uri(String path) {
    return base.resolve(path);
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      kill();
    }
  }
}
