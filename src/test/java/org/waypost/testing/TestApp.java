package org.waypost.testing;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.waypost.App;
import org.waypost.config.ConfigLoader;
import org.waypost.config.WaypostConfig;
import org.waypost.keys.MasterKey;

/**
 * A real Waypost on a free port over a fresh store, talked to through {@link TestServer}. Tests
 * build one per test (or per class) and close it.
 */
public final class TestApp implements TestServer, AutoCloseable {
  private final App app;
  private final URI base;

  private TestApp(App app) {
    this.app = app;
    this.base = URI.create("http://127.0.0.1:" + app.port());
  }

  /** Starts a server over a fresh store of {@code kind} with files under {@code dir}. */
  public static TestApp start(StoreKind kind, Path dir, Clock clock, Map<String, String> extra) {
    Map<String, String> overrides = new HashMap<>(kind.freshStore(dir));
    overrides.put("server.port", "0");
    overrides.putAll(extra);
    return start(config(overrides), clock);
  }

  public static TestApp start(StoreKind kind, Path dir) {
    return start(kind, dir, Clock.systemUTC(), Map.of());
  }

  /** Starts a server over an existing configuration (e.g. to check what survives a restart). */
  public static TestApp start(WaypostConfig config, Clock clock) {
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    return new TestApp(App.open(config, clock).serve());
  }

  public static WaypostConfig config(Map<String, String> overrides) {
    return ConfigLoader.load(null, Map.of(), overrides);
  }

  public App app() {
    return app;
  }

  @Override
  public URI uri(String path) {
    return base.resolve(path);
  }

  @Override
  public void settle() {
    app.server().awaitSettled(Duration.ofSeconds(5));
  }

  /** Creates a shipper key straight through the feature (as the CLI does). */
  public String shipperKey(String shipper) {
    return app.apiKeys().create(shipper).key();
  }

  @Override
  public void close() {
    app.close();
  }
}
