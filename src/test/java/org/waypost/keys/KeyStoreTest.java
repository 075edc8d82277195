package org.waypost.keys;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.waypost.keys.Keys.NOV_28;
import static org.waypost.keys.Keys.NOV_29;
import static org.waypost.keys.Keys.NOV_30;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.json.Json;

/** Sealing, tagging and shredding, as the security log and a disclosure would meet them. */
class KeyStoreTest {
  private static final byte[] IP = "203.0.113.7".getBytes(UTF_8);
  private static final byte[] ROW_1 = "row-1".getBytes(UTF_8);
  private static final byte[] NUMBER = "9400111899223197428490".getBytes(UTF_8);

  @TempDir Path dir;
  private MasterKey master;
  private Path keyDir;

  @BeforeEach
  void setUp() {
    master = Keys.master(dir);
    keyDir = dir.resolve("keys");
  }

  private KeyStore store() {
    return new KeyStore(keyDir, master);
  }

  @Test
  void sealedAddressOpensWithTheSameAssociatedData() {
    DayKeys keys = store().day(NOV_29);

    byte[] sealed = keys.seal(IP, ROW_1);

    assertThat(keys.day()).isEqualTo(NOV_29);
    assertThat(new String(sealed, UTF_8)).doesNotContain("203.0.113.7");
    assertThat(keys.open(sealed, ROW_1)).isEqualTo(IP);
    assertThat(store().day(NOV_29).open(sealed, ROW_1))
        .as("a new instance reads the file")
        .isEqualTo(IP);
  }

  @Test
  void openingWithOtherAssociatedDataOrAnotherDaysKeyFails() {
    KeyStore store = store();
    byte[] sealed = store.day(NOV_29).seal(IP, ROW_1);

    assertThatThrownBy(() -> store.day(NOV_29).open(sealed, "row-2".getBytes(UTF_8)))
        .isInstanceOf(KeyStoreException.class)
        .hasMessageContaining("associated data");
    assertThatThrownBy(() -> store.day(NOV_30).open(sealed, ROW_1))
        .isInstanceOf(KeyStoreException.class);
  }

  @Test
  void tagsAreSixteenBytesStableWithinADayAndUnrelatedAcrossDaysAndDomains() {
    KeyStore store = store();
    byte[] tag = store.day(NOV_29).tag("number", NUMBER);

    assertThat(tag).hasSize(16);
    assertThat(store.day(NOV_29).tag("number", NUMBER)).isEqualTo(tag);
    assertThat(store().day(NOV_29).tag("number", NUMBER)).as("another instance").isEqualTo(tag);
    assertThat(store.day(NOV_30).tag("number", NUMBER)).isNotEqualTo(tag);
    assertThat(store.day(NOV_29).tag("client", NUMBER)).isNotEqualTo(tag);
    assertThat(store.visitorTagger(NOV_29).tag("number", NUMBER))
        .as("the visitor key is a different key")
        .hasSize(16)
        .isNotEqualTo(tag);
  }

  @Test
  void destroyedDayCannotBeOpenedByAFreshKeyStoreEvenWithTheMasterKey() throws Exception {
    KeyStore store = store();
    byte[] sealedOn28 = store.day(NOV_28).seal(IP, ROW_1);
    byte[] sealedOn29 = store.day(NOV_29).seal(IP, ROW_1);

    assertThat(store.destroyBefore(NOV_29)).containsExactly(NOV_28);

    KeyStore fresh = store();
    assertThat(fresh.existing(NOV_28)).isEmpty();
    assertThat(fresh.isDestroyed(NOV_28)).isTrue();
    assertThatThrownBy(() -> fresh.day(NOV_28))
        .isInstanceOf(DayKeyDestroyedException.class)
        .satisfies(e -> assertThat(((DayKeyDestroyedException) e).day()).isEqualTo(NOV_28));
    assertThat(keyDir.resolve("day-2026-11-28.json")).doesNotExist();
    Path tombstone = keyDir.resolve("day-2026-11-28.destroyed");
    assertThat(tombstone).exists();
    assertThat(Instant.parse(Files.readString(tombstone).strip())).isBeforeOrEqualTo(Instant.now());
    assertThat(fresh.existing(NOV_29))
        .hasValueSatisfying(k -> assertThat(k.open(sealedOn29, ROW_1)).isEqualTo(IP));
    assertThat(fresh.days()).containsExactly(NOV_29);
    assertThat(sealedOn28).isNotEmpty();
  }

  @Test
  void keysCachedBeforeAnotherProcessDestroyedTheDayNoLongerOpen() {
    KeyStore server = store();
    DayKeys held = server.day(NOV_28);
    byte[] sealed = held.seal(IP, ROW_1);

    store().destroyBefore(NOV_29); // e.g. `waypost retention run` beside the server

    assertThatThrownBy(() -> held.open(sealed, ROW_1)).isInstanceOf(DayKeyDestroyedException.class);
    assertThat(server.existing(NOV_28)).isEmpty();
    assertThatThrownBy(() -> server.day(NOV_28)).isInstanceOf(DayKeyDestroyedException.class);
  }

  @Test
  void visitorKeysAreDestroyedSeparatelyFromDayKeys() {
    KeyStore store = store();
    byte[] dayTag = store.day(NOV_28).tag("client", IP);
    byte[] visitorTag = store.visitorTagger(NOV_28).tag("visitor", IP);

    assertThat(store.destroyVisitorKeysBefore(NOV_29)).containsExactly(NOV_28);

    assertThat(keyDir.resolve("visitors-2026-11-28.json")).doesNotExist();
    assertThat(keyDir.resolve("visitors-2026-11-28.destroyed")).exists();
    assertThatThrownBy(() -> store().visitorTagger(NOV_28))
        .isInstanceOf(DayKeyDestroyedException.class);
    assertThat(store().day(NOV_28).tag("client", IP)).isEqualTo(dayTag);
    assertThat(store().isDestroyed(NOV_28)).isFalse();

    assertThat(store.destroyBefore(NOV_29)).containsExactly(NOV_28);
    assertThat(store.destroyVisitorKeysBefore(NOV_29)).isEmpty();
    assertThat(visitorTag).hasSize(16);
  }

  @Test
  void destroyBeforeTouchesOnlyEarlierDaysAndNothingTwice() {
    KeyStore store = store();
    List.of(NOV_29, NOV_28, NOV_30).forEach(store::day);

    assertThat(store.days()).containsExactly(NOV_28, NOV_29, NOV_30);
    assertThat(store.destroyBefore(NOV_30)).containsExactly(NOV_28, NOV_29);
    assertThat(store.destroyBefore(NOV_30)).isEmpty();
    assertThat(store.days()).containsExactly(NOV_30);
  }

  @Test
  void anotherMasterKeyCannotReadTheDayFiles() {
    store().day(NOV_29);
    KeyStore other = new KeyStore(keyDir, Keys.master(dir, "other.key"));

    assertThatThrownBy(() -> other.day(NOV_29))
        .isInstanceOf(KeyStoreException.class)
        .hasMessageContaining("day-2026-11-29.json")
        .hasMessageContaining("another master key");
    assertThatThrownBy(() -> other.existing(NOV_29)).isInstanceOf(KeyStoreException.class);
  }

  @Test
  void aDayFileRenamedToAnotherDayDoesNotOpen() throws Exception {
    store().day(NOV_29);
    Files.copy(keyDir.resolve("day-2026-11-29.json"), keyDir.resolve("day-2026-11-30.json"));

    assertThatThrownBy(() -> store().day(NOV_30))
        .isInstanceOf(KeyStoreException.class)
        .hasMessageContaining("renamed from another day");
  }

  @Test
  void dayFileHoldsOnlyEncryptedKeysets() throws Exception {
    store().day(NOV_29);
    store().visitorTagger(NOV_29);
    byte[] dayFile = Files.readAllBytes(keyDir.resolve("day-2026-11-29.json"));
    byte[] visitorFile = Files.readAllBytes(keyDir.resolve("visitors-2026-11-29.json"));

    JsonNode day = Json.MAPPER.readTree(dayFile);
    assertThat(day.path("day").asText()).isEqualTo("2026-11-29");
    for (String keyset : List.of("aead", "prf")) {
      assertThat(day.path(keyset).path("encryptedKeyset").asText()).isNotEmpty();
      assertThat(day.path(keyset).has("key")).isFalse();
    }
    assertThat(Json.MAPPER.readTree(visitorFile).path("prf").path("encryptedKeyset").asText())
        .isNotEmpty();
    assertThat(fieldNames(day)).doesNotContain("keyData", "value");

    for (byte[] secret : masterKeySecrets()) {
      for (byte[] file : List.of(dayFile, visitorFile)) {
        assertThat(indexOf(file, secret)).isEqualTo(-1);
        assertThat(new String(file, UTF_8))
            .doesNotContain(Base64.getEncoder().encodeToString(secret));
      }
      byte[] wrapped =
          Base64.getDecoder().decode(day.path("aead").path("encryptedKeyset").asText());
      assertThat(indexOf(wrapped, secret)).isEqualTo(-1);
    }
  }

  /** The master keyset's serialized keys and the raw 32-byte AES keys inside them. */
  private List<byte[]> masterKeySecrets() throws Exception {
    JsonNode keyset = Json.MAPPER.readTree(Files.readAllBytes(dir.resolve("master.key")));
    List<byte[]> secrets = new ArrayList<>();
    for (JsonNode key : keyset.path("key")) {
      byte[] value = Base64.getDecoder().decode(key.path("keyData").path("value").asText());
      assertThat(value.length).isGreaterThanOrEqualTo(32);
      secrets.add(value);
      secrets.add(Arrays.copyOfRange(value, value.length - 32, value.length));
    }
    assertThat(secrets).isNotEmpty();
    return secrets;
  }

  @Test
  void filesAreReadableByTheOwnerOnly() throws Exception {
    KeyStore store = store();
    store.day(NOV_28);
    store.visitorTagger(NOV_28);
    store.destroyBefore(NOV_29);
    store.day(NOV_29);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyDir)))
        .isEqualTo("rwx------");
    try (var files = Files.list(keyDir)) {
      List<Path> all = files.toList();
      assertThat(all)
          .extracting(p -> p.getFileName().toString())
          .containsExactlyInAnyOrder(
              "day-2026-11-28.destroyed", "day-2026-11-29.json", "visitors-2026-11-28.json");
      for (Path file : all) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
            .as(file.getFileName().toString())
            .isEqualTo("rw-------");
      }
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.properties()
        .forEach(
            e -> {
              names.add(e.getKey());
              names.addAll(fieldNames(e.getValue()));
            });
    return names;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
