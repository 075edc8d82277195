package org.waypost.visitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.waypost.db.Database;
import org.waypost.json.Json;

/**
 * The privacy policy's effective date and change history. The policy is generated from the
 * configuration ({@link PrivacyPolicy#settings()}), so a change to the policy is a change to those
 * settings: at each start the settings are hashed, and when the hash differs from the newest
 * recorded one a new version is recorded, dated now. The page shows the date of the version in
 * force and, for each earlier change, its date and which settings changed from what to what.
 *
 * <p>Several nodes on one database should run one configuration; nodes that disagree would record a
 * new version at each start of each, which the history then shows plainly.
 */
public final class PolicyVersions {
  /** One version: when it took effect, its hash, and its settings. */
  public record Version(Instant effectiveAt, String hash, Map<String, Object> settings) {
    public Version {
      settings = Map.copyOf(settings);
    }
  }

  /**
   * A change between two versions: when, and each setting that changed, as {@code key: old → new}.
   */
  public record Change(Instant effectiveAt, String hash, List<String> changes) {
    public Change {
      changes = List.copyOf(changes);
    }
  }

  private final Database database;
  private final Clock clock;

  public PolicyVersions(Database database, Clock clock) {
    this.database = Objects.requireNonNull(database, "database");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Records {@code settings} as a new version unless the newest one has them already. */
  public void record(Map<String, Object> settings) {
    String canonical = canonical(settings);
    String hash = sha256(canonical);
    database.inTransaction(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT hash FROM policy_versions ORDER BY id DESC LIMIT 1");
              ResultSet rs = ps.executeQuery()) {
            if (rs.next() && rs.getString(1).equals(hash)) {
              return null;
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO policy_versions (hash, effective_at, settings) VALUES (?, ?, ?)")) {
            ps.setString(1, hash);
            ps.setLong(2, clock.millis());
            ps.setString(3, canonical);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Every version, oldest first. */
  public List<Version> versions() {
    return database.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT effective_at, hash, settings FROM policy_versions ORDER BY id");
              ResultSet rs = ps.executeQuery()) {
            List<Version> out = new ArrayList<>();
            while (rs.next()) {
              out.add(
                  new Version(
                      Instant.ofEpochMilli(rs.getLong(1)),
                      rs.getString(2),
                      parse(rs.getString(3))));
            }
            return out;
          }
        });
  }

  /** The history, newest first: the first version, then each change with what it changed. */
  public List<Change> history() {
    List<Version> versions = versions();
    List<Change> out = new ArrayList<>();
    for (int i = 0; i < versions.size(); i++) {
      Version v = versions.get(i);
      List<String> changes = new ArrayList<>();
      if (i > 0) {
        Map<String, Object> before = versions.get(i - 1).settings();
        for (String key : new TreeMap<>(v.settings()).keySet()) {
          Object was = before.get(key);
          Object now = v.settings().get(key);
          if (!Objects.equals(was, now)) {
            changes.add(key + ": " + shown(was) + " → " + shown(now));
          }
        }
      }
      out.addFirst(new Change(v.effectiveAt(), v.hash(), changes));
    }
    return out;
  }

  /** The settings as JSON with sorted keys and no whitespace, so equal settings hash equally. */
  private static String canonical(Map<String, Object> settings) {
    try {
      return Json.MAPPER.writeValueAsString(new TreeMap<>(settings));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the policy's settings", e);
    }
  }

  /** A setting's value as the history shows it; an empty or missing one as a dash. */
  private static String shown(Object value) {
    return value == null || "".equals(value) ? "—" : value.toString();
  }

  private static Map<String, Object> parse(String json) {
    try {
      return Json.MAPPER.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a policy version's settings are not JSON", e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
