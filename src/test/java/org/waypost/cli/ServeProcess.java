package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code waypost serve --config FILE} in a JVM of its own, on the test classpath, for what only a
 * real process shows: its output streams, its exit status, how it takes a signal.
 */
final class ServeProcess {
  private static final Pattern SERVING = Pattern.compile("serving on (http://\\S+:(\\d+)/)");

  private ServeProcess() {}

  /**
   * Writes {@code dir/waypost.yaml}: port 0, SQLite, keys and master key under {@code dir}, and
   * {@code notifications} as the YAML flow mapping of that section.
   */
  static Path config(Path dir, String notifications) throws IOException {
    Path config = dir.resolve("waypost.yaml");
    Files.writeString(
        config,
        "server: { port: 0 }\ndatabase: { url: \"jdbc:sqlite:"
            + dir.resolve("waypost.db")
            + "\" }\nprivacy: { keyDir: \""
            + dir.resolve("keys")
            + "\", masterKeyFile: \""
            + dir.resolve("master.key")
            + "\" }\nnotifications: "
            + notifications
            + "\n");
    return config;
  }

  /** Starts serve; its stdout and stderr go to the files given (the same file for both is fine). */
  static Process start(Path config, Path stdout, Path stderr, Map<String, String> env)
      throws IOException {
    ProcessBuilder serve =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            WaypostCommand.class.getName(),
            "serve",
            "--config",
            config.toString());
    if (stdout.equals(stderr)) {
      serve.redirectErrorStream(true).redirectOutput(stdout.toFile());
    } else {
      serve.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    }
    serve.environment().putAll(env);
    return serve.start();
  }

  /** The server's base URL once serve said in {@code output} that it is serving. */
  static String awaitServing(Process server, Path output) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher serving = SERVING.matcher(Files.readString(output));
      if (serving.find()) {
        return serving.group(1);
      }
      assertThat(server.isAlive()).as("serve stopped: %s", Files.readString(output)).isTrue();
      Thread.sleep(100);
    }
    throw new AssertionError("serve did not start within 60 s: " + Files.readString(output));
  }

  /** The port of a base URL that {@link #awaitServing} returned. */
  static int port(String base) {
    Matcher serving = SERVING.matcher("serving on " + base);
    assertThat(serving.find()).isTrue();
    return Integer.parseInt(serving.group(2));
  }
}
