package org.waypost.keys;

import java.nio.file.Path;
import java.time.LocalDate;
import org.waypost.config.PrivacyConfig;

/** Test fixtures: master keys in temp folders, and named days. */
final class Keys {
  static final LocalDate NOV_28 = LocalDate.parse("2026-11-28");
  static final LocalDate NOV_29 = LocalDate.parse("2026-11-29");
  static final LocalDate NOV_30 = LocalDate.parse("2026-11-30");

  private Keys() {}

  /** Privacy settings that read the master key from {@code file}. */
  static PrivacyConfig fromFile(Path file) {
    return new PrivacyConfig(
        7, file.resolveSibling("keys").toString(), file.toString(), "", true, 5, "", 730, 90);
  }

  /** Privacy settings that carry the master key itself, as WAYPOST_PRIVACY_MASTERKEY would. */
  static PrivacyConfig fromValue(Path dir, String value) {
    return new PrivacyConfig(
        7,
        dir.resolve("keys").toString(),
        dir.resolve("none.key").toString(),
        value,
        true,
        5,
        "",
        730,
        90);
  }

  /** A new master key in {@code dir}/{@code name}. */
  static MasterKey master(Path dir, String name) {
    Path file = dir.resolve(name);
    MasterKey.createIfMissing(file);
    return MasterKey.load(fromFile(file));
  }

  static MasterKey master(Path dir) {
    return master(dir, "master.key");
  }
}
