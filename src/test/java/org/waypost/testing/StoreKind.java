package org.waypost.testing;

import java.nio.file.Path;
import java.util.Map;

/** The two stores every store and flow test runs against. */
public enum StoreKind {
  SQLITE,
  POSTGRESQL;

  /** Configuration overrides for a fresh, empty store of this kind; {@code dir} holds files. */
  public Map<String, String> freshStore(Path dir) {
    Map<String, String> keys =
        Map.of(
            "privacy.keyDir", dir.resolve("keys").toString(),
            "privacy.masterKeyFile", dir.resolve("keys/master.key").toString());
    var all = new java.util.HashMap<>(keys);
    if (this == SQLITE) {
      all.put("database.url", "jdbc:sqlite:" + dir.resolve("waypost.db"));
    } else {
      all.put("database.url", EmbeddedPg.newDatabase());
      all.put("database.user", "postgres");
    }
    return all;
  }
}
