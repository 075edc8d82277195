package org.waypost.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.config.WaypostConfig;
import org.waypost.db.Database;
import org.waypost.keys.MasterKey;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * Checks a Waypost audit log the way an outside auditor would, from the documentation alone: the
 * hash chain from the raw rows with nothing but MessageDigest and a plain Jackson ObjectMapper, and
 * the newest checkpoint and each entry's own signature with nothing but the cleartext public keyset
 * and Tink's PublicKeyVerify. No Waypost code computes anything here; if the class comments of
 * AuditLog and Checkpoints were wrong, this would fail.
 */
class AuditOutsideVerifierTest {
  /** A target with every kind of character the documented escaping treats differently. */
  private static final String AWKWARD_TARGET = "case \"42\"\\/ü→\n\t\r\b\f\u0001\u001f end";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
  private Database database;

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  private record Row(
      long seq,
      long time,
      String actor,
      String action,
      String target,
      String details,
      String prevHash,
      String hash) {}

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theDocumentedEncodingReproducesTheChainAndTheCheckpoint(StoreKind kind) throws Exception {
    WaypostConfig config = TestApp.config(kind.freshStore(dir));
    database = Database.open(config.database());
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    Path folder = dir.resolve("checkpoints");
    AuditLog audit =
        new AuditLog(database, clock, new Checkpoints(folder, MasterKey.load(config.privacy())));
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("to", "2026-11-30");
    scope.put("from", "2026-11-28");
    database.inTransaction(
        c -> audit.append(c, "alice", "operator.create", "bob", Map.of("roles", List.of("admin"))));
    database.inTransaction(
        c ->
            audit.append(
                c,
                "carol",
                "legal.execute",
                AWKWARD_TARGET,
                Map.of("scope", scope, "numbers", List.of("9400111206206406260787"), "n", 3)));
    database.inTransaction(c -> audit.append(c, "dave", "retention.change", null, null));
    audit.checkpoint();

    List<Row> rows = rawRows();
    assertThat(rows).hasSize(3);

    // 1. The example in AuditLog's class comment, byte for byte.
    ObjectMapper plain = new ObjectMapper();
    Row first = rows.get(0);
    assertThat(new String(encode(plain, first), StandardCharsets.UTF_8))
        .isEqualTo(
            "[1,1795953600000,\"alice\",\"operator.create\",\"bob\","
                + "\"{\\\"roles\\\":[\\\"admin\\\"]}\",\""
                + "0".repeat(64)
                + "\"]");
    // 2. The documented escaping, written out by hand.
    assertThat(new String(encode(plain, rows.get(1)), StandardCharsets.UTF_8))
        .contains("\"case \\\"42\\\"\\\\/ü→\\n\\t\\r\\b\\f\\u0001\\u001F end\"")
        .contains(
            "\"{\\\"n\\\":3,\\\"numbers\\\":[\\\"9400111206206406260787\\\"],"
                + "\\\"scope\\\":{\\\"from\\\":\\\"2026-11-28\\\",\\\"to\\\":\\\"2026-11-30\\\"}}\"");
    assertThat(new String(encode(plain, rows.get(2)), StandardCharsets.UTF_8))
        .contains(",\"retention.change\",null,\"{}\",");

    // 3. The chain, from the raw rows.
    String prev = "0".repeat(64);
    long expectedSeq = 1;
    for (Row row : rows) {
      assertThat(row.seq()).isEqualTo(expectedSeq++);
      assertThat(row.prevHash()).isEqualTo(prev);
      assertThat(sha256Hex(encode(plain, row))).as("entry %d", row.seq()).isEqualTo(row.hash());
      prev = row.hash();
    }

    // 4. The newest checkpoint, with the public keyset file alone.
    SignatureConfig.register();
    KeysetHandle publicKeyset =
        TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(
            Files.readString(folder.resolve("audit-public-key.json")), RegistryConfiguration.get());
    PublicKeyVerify verifier =
        publicKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
    List<String> lines = Files.readAllLines(folder.resolve("checkpoints.ndjson"));
    JsonNode checkpoint = plain.readTree(lines.getLast());
    long seq = checkpoint.get("seq").asLong();
    String hash = checkpoint.get("hash").asText();
    long time = checkpoint.get("time").asLong();
    byte[] signature = Base64.getDecoder().decode(checkpoint.get("signature").asText());
    assertThat(seq).isEqualTo(3);
    assertThat(hash).isEqualTo(rows.getLast().hash());
    assertThat(time).isEqualTo(clock.millis());

    verifier.verify(signature, message(seq, hash, time)); // throws when it does not verify
    assertThatThrownBy(() -> verifier.verify(signature, message(seq - 1, hash, time)))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> verifier.verify(signature, message(seq, rows.get(1).hash(), time)))
        .isInstanceOf(GeneralSecurityException.class);

    // 5. Each entry's own signature, in the database beside it, with the same key and message.
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT a.seq, a.hash, c.time, c.signature FROM audit_log a"
                    + " JOIN audit_checkpoints c ON c.seq = a.seq AND c.hash = a.hash"
                    + " ORDER BY a.seq")) {
      int signed = 0;
      while (rs.next()) {
        Row row = rows.get(signed++);
        assertThat(rs.getLong(1)).isEqualTo(row.seq());
        assertThat(rs.getLong(3)).as("signed as it was appended").isEqualTo(row.time());
        verifier.verify(
            Base64.getDecoder().decode(rs.getString(4)),
            message(rs.getLong(1), rs.getString(2), rs.getLong(3)));
      }
      assertThat(signed).as("every entry").isEqualTo(rows.size());
    }

    // 6. What the transparency report publishes: the newest of those, and the key that signed it.
    AuditLog.PublishedCheckpoint published = audit.latestCheckpoint().orElseThrow();
    assertThat(published.seq()).isEqualTo(3);
    assertThat(published.hash()).isEqualTo(rows.getLast().hash());
    assertThat(published.publicKey())
        .isEqualTo(Files.readString(folder.resolve("audit-public-key.json")).strip());
    assertThat(published.keyId()).isEqualTo(publicKeyset.getPrimary().getId() & 0xffffffffL);
    verifier.verify(
        Base64.getDecoder().decode(published.signature()),
        message(published.seq(), published.hash(), published.time().toEpochMilli()));
  }

  /** The documented checkpoint message, written out by hand. */
  private static byte[] message(long seq, String hash, long time) {
    return ("[\"waypost-audit-checkpoint\"," + seq + ",\"" + hash + "\"," + time + "]")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] encode(ObjectMapper plain, Row row) throws Exception {
    return plain.writeValueAsBytes(
        Arrays.asList(
            row.seq(),
            row.time(),
            row.actor(),
            row.action(),
            row.target(),
            row.details(),
            row.prevHash()));
  }

  private static String sha256Hex(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private List<Row> rawRows() throws Exception {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT seq, time, actor, action, target, details, prev_hash, hash"
                    + " FROM audit_log ORDER BY seq")) {
      List<Row> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(
            new Row(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8)));
      }
      return rows;
    }
  }
}
