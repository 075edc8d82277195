package org.waypost.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.waypost.App;
import org.waypost.config.ConfigLoader;
import org.waypost.config.WaypostConfig;
import org.waypost.demo.DemoData;
import org.waypost.governance.Operator;
import org.waypost.governance.Operators;
import org.waypost.governance.Role;
import org.waypost.governance.Transparency;
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
  static final java.util.List<Map.Entry<String, java.util.Set<Role>>> DEMO_OPERATORS =
      java.util.List.of(
          Map.entry("lena", java.util.EnumSet.of(Role.ADMIN, Role.SECURITY, Role.LEGAL)),
          Map.entry("pat", java.util.EnumSet.of(Role.PRIVACY)));

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
    // the demo runs on one machine: its webhooks may go to a receiver there, over plain http
    overrides.put("notifications.allowPrivateWebhooks", "true");
    overrides.put("notifications.baseUrl", "http://127.0.0.1:" + port);
    // without an SMTP server (WAYPOST_NOTIFICATIONS_SMTP_HOST), mail is kept for /demo/mail
    overrides.put("notifications.demoOutbox", "true");
    WaypostConfig config = ConfigLoader.load(null, System.getenv(), overrides);
    Logging.start(config, System.getenv());
    MasterKey.createIfMissing(config.privacy());
    App app = App.open(config, Clock.systemUTC());
    ApiKeys.Created key = app.apiKeys().create(DEMO_SHIPPER);
    Map<String, String> logins = operatorLogins(app);
    boolean seeded = DemoData.seedIfEmpty(app, key.shipper().id());
    if (seeded) {
      confirmStatements(app);
    }
    app.serve();
    print(
        Logging.forPeople(spec, config.logging()),
        app,
        key,
        logins,
        seeded,
        (System.nanoTime() - started) / 1e9);
    Running.untilStopped(app);
    return 0;
  }

  /**
   * Two operators whose roles together allow the whole legal-request workflow, so dual approval can
   * be tried: one files (legal), the other approves (privacy). Fresh passwords at every start.
   */
  private static Map<String, String> operatorLogins(App app) {
    Map<String, String> logins = new LinkedHashMap<>();
    for (var operator : DEMO_OPERATORS) {
      String password;
      if (app.operators().find(operator.getKey()).isEmpty()) {
        password =
            app.operators().add(operator.getKey(), operator.getValue(), null).generatedPassword();
      } else {
        password = Operators.generatePassword();
        app.operators().setPassword(operator.getKey(), password);
      }
      logins.put(operator.getKey() + " (" + Role.join(operator.getValue()) + ")", password);
    }
    return logins;
  }

  /**
   * A fresh demo's transparency statements, confirmed (and so signed) by its admin, as a running
   * installation's would be: the report then shows confirmed statements, not three "Not yet".
   */
  private static void confirmStatements(App app) {
    Operator admin = app.operators().find(DEMO_OPERATORS.getFirst().getKey()).orElseThrow();
    Transparency transparency = new Transparency(app.database(), app.audit(), app.clock());
    for (Transparency.Statement statement : transparency.report().statements()) {
      transparency.confirm(statement.id(), admin);
    }
  }

  private void print(
      PrintWriter out,
      App app,
      ApiKeys.Created key,
      Map<String, String> logins,
      boolean seeded,
      double seconds) {
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
    if (app.demoOutbox() != null) {
      out.printf(
          "%nEmail updates: no mail is sent; read it at %sdemo/mail (kept in memory)%n", url);
    }
    out.printf("%nOperator console: %soperator/login (passwords are new at every start)%n", url);
    logins.forEach((who, password) -> out.printf("  %-36s password: %s%n", who, password));
    out.printf("%nPress Ctrl+C to stop. Delete %s to start afresh.%n", data);
    out.flush();
  }
}
