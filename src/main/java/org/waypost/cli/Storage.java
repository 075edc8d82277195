package org.waypost.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.waypost.config.ConfigLoader;
import org.waypost.config.WaypostConfig;
import picocli.CommandLine.Option;

/**
 * The {@code --data DIR} / {@code --config FILE} options every data-touching command takes. With
 * {@code --data}, everything Waypost keeps lives under DIR: the SQLite file {@code waypost.db}, the
 * day keys in {@code keys/} (never backed up), the audit checkpoints in {@code checkpoints/} and
 * the master key {@code master.key} beside them (both backed up).
 */
final class Storage {
  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "keep everything under DIR, with SQLite at DIR/waypost.db (default ./data)")
  Path data;

  @Option(names = "--config", paramLabel = "FILE", description = "a YAML configuration file")
  Path config;

  WaypostConfig load() {
    return load(Map.of());
  }

  /** Loads the configuration; {@code overrides} are dotted keys applied last. */
  WaypostConfig load(Map<String, String> overrides) {
    if (data != null && config != null) {
      throw new CommandFailure("give either --data or --config, not both");
    }
    Map<String, String> all = new LinkedHashMap<>();
    if (data != null) {
      all.putAll(dataOverrides(data));
    }
    all.putAll(overrides);
    return ConfigLoader.load(config, System.getenv(), all);
  }

  static Map<String, String> dataOverrides(Path dir) {
    return Map.of(
        "database.url", "jdbc:sqlite:" + dir.resolve("waypost.db"),
        "privacy.keyDir", dir.resolve("keys").toString(),
        "privacy.masterKeyFile", dir.resolve("master.key").toString());
  }
}
