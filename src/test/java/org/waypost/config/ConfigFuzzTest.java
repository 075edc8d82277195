package org.waypost.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The configuration file and {@code WAYPOST_*} variables, fuzzed with Jazzer: whatever they hold,
 * loading gives a configuration or a {@link ConfigException} that names the problem, never another
 * exception (a start that fails with a stack trace instead of a message). Committed inputs: {@code
 * ConfigFuzzTestInputs/}.
 */
class ConfigFuzzTest {
  private static final Path FILE = tempFile();

  private static Path tempFile() {
    try {
      Path file = Files.createTempFile("waypost-fuzz", ".yaml");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sections and some keys, so that the fuzzer gets past YAML into Waypost's own checks. */
  @DictionaryEntries({
    "server:",
    "database:",
    "operator:",
    "privacy:",
    "tracking:",
    "abuse:",
    "logging:",
    "site:",
    "governance:",
    "port:",
    "host:",
    "url:",
    "managementPort:",
    "trustedProxies:",
    "format:",
    "keyDir:",
    "cacheSeconds:",
    "{ ",
    " }",
    ": ",
    "- ",
    "SERVER_PORT",
    "DATABASE_URL"
  })
  @FuzzTest(maxDuration = "60s")
  void anyFileAndVariablesGiveAConfigurationOrAConfigException(FuzzedDataProvider data)
      throws IOException {
    Map<String, String> env = new HashMap<>();
    int variables = data.consumeInt(0, 3);
    for (int i = 0; i < variables; i++) {
      env.put("WAYPOST_" + data.consumeString(40), data.consumeString(80));
    }
    Files.write(FILE, data.consumeRemainingAsBytes());
    try {
      WaypostConfig config = ConfigLoader.load(FILE, env, Map.of());
      assertThat(config.server()).isNotNull();
    } catch (ConfigException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }
}
