package org.waypost.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.waypost.App;
import org.waypost.demo.DemoData;
import org.waypost.keys.MasterKey;
import org.waypost.shipper.ApiKeys;
import org.waypost.tracking.TrackingStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs Waypost on the embedded default: SQLite under the data folder, listening on loopback and
 * trusting loopback proxies. Seeds demo data on first start and reuses it afterwards.
 */
@Command(name = "demo", description = "Run Waypost with demo data on http://127.0.0.1:PORT/.")
final class DemoCommand implements Callable<Integer> {
  static final String DEMO_SHIPPER = "Demo Shipper";

  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "8080",
      description = "port to listen on (default 8080)")
  int port;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = "./data",
      description = "data folder (default ./data)")
  Path data;

  @Override
  public Integer call() {
    long started = System.nanoTime();
    Map<String, String> overrides = new LinkedHashMap<>(Storage.dataOverrides(data));
    overrides.put("server.host", "127.0.0.1");
    overrides.put("server.port", Integer.toString(port));
    overrides.put("server.trustedProxies", "127.0.0.0/8,::1");
    MasterKey.createIfMissing(data.resolve("keys").resolve("master.key"));
    App app =
        App.open(
            org.waypost.config.ConfigLoader.load(null, System.getenv(), overrides),
            Clock.systemUTC());
    ApiKeys.Created key = app.apiKeys().create(DEMO_SHIPPER);
    boolean seeded = DemoData.seedIfEmpty(app, key.shipper().id());
    app.serve();
    print(app, key, seeded, (System.nanoTime() - started) / 1e9);
    Running.untilStopped(app);
    return 0;
  }

  private void print(App app, ApiKeys.Created key, boolean seeded, double seconds) {
    PrintWriter out = spec.commandLine().getOut();
    String url = "http://127.0.0.1:" + app.port() + "/";
    out.printf("%nWaypost demo is ready at %s (%.1f s)%n", url, seconds);
    out.printf(
        "%s%n%n",
        seeded ? "Seeded fresh demo data into " + data : "Reusing the demo data in " + data);
    out.println("Demo tracking numbers, one per status:");
    for (Map.Entry<TrackingStatus, String> sample : DemoData.samples(app).entrySet()) {
      out.printf("  %-22s %s%n", sample.getKey(), sample.getValue());
    }
    out.printf(
        "%nTry: %sapi/v1/tracking/%s%n", url, DemoData.samples(app).values().iterator().next());
    out.printf(
        "%nShipper API key for \"%s\" (new each start; older ones keep working):%n", DEMO_SHIPPER);
    out.println("  " + key.key());
    out.printf("%nPress Ctrl+C to stop. Delete %s to start afresh.%n", data);
    out.flush();
  }
}
