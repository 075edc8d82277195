package org.waypost.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.config.ConfigLoader;
import org.waypost.config.WaypostConfig;
import org.waypost.tracking.TrackingNumber;

/**
 * The container image {@code mvn -Pimage package} builds (target/waypost-image.tar), taken as a
 * container runtime takes it: the config's entry point, user and volume are checked against the
 * unpacked layers, and the entry point is run ({@code keys init}, then {@code serve}) as the
 * image's user in a chroot of those layers alone, with its own /proc and /dev as a runtime would
 * give it.
 *
 * <p>Runs in the image profile's integration-test phase (failsafe), after Jib wrote the tar. The
 * chroot and the namespaces need root, which CI and the development machines have.
 */
class ContainerImageIT {
  private static final Path IMAGE = Path.of("target", "waypost-image.tar");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SERVING = Pattern.compile("serving on http://[^:]+:(\\d+)/");

  /**
   * Gives the unpacked layers the /proc and /dev a container runtime would (in a mount namespace of
   * their own, gone with the process), then becomes the image's user inside them.
   */
  private static final String CONTAINER =
      """
      set -e
      root="$1"; user="$2"; shift 2
      mount -t proc proc "$root/proc"
      mount -t tmpfs -o mode=755 dev "$root/dev"
      mknod -m 666 "$root/dev/null" c 1 3
      mknod -m 666 "$root/dev/zero" c 1 5
      mknod -m 666 "$root/dev/random" c 1 8
      mknod -m 666 "$root/dev/urandom" c 1 9
      exec chroot --userspec="$user" "$root" "$@"
      """;

  @TempDir static Path work;
  static Path root;
  static JsonNode config;

  @BeforeAll
  static void unpack() throws Exception {
    assertThat(IMAGE).as("built by mvn -Pimage package").isRegularFile();
    Path outer = Files.createDirectories(work.resolve("image"));
    run(List.of("tar", "-xf", IMAGE.toString(), "-C", outer.toString()));
    JsonNode manifest = JSON.readTree(outer.resolve("manifest.json").toFile()).get(0);
    config = JSON.readTree(outer.resolve(manifest.get("Config").asText()).toFile()).get("config");
    root = Files.createDirectories(work.resolve("root"));
    for (JsonNode layer : manifest.get("Layers")) {
      run(
          List.of(
              "tar",
              "--warning=no-unknown-keyword",
              "-xzf",
              outer.resolve(layer.asText()).toString(),
              "-C",
              root.toString()));
    }
    // Mount points a container runtime makes; CONTAINER mounts their contents.
    Files.createDirectories(root.resolve("proc"));
    Files.createDirectories(root.resolve("dev"));
  }

  @Test
  void theEntryPointRunsTheJarOfTheImageAsAUserOtherThanRoot() throws IOException {
    List<String> entrypoint = strings(config.get("Entrypoint"));
    assertThat(entrypoint.getFirst()).isEqualTo("/opt/java/bin/java");
    assertThat(inImage(entrypoint.getFirst())).isExecutable();
    String jar = entrypoint.get(entrypoint.indexOf("-jar") + 1);
    try (JarFile file = new JarFile(inImage(jar).toFile())) {
      assertThat(file.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("org.waypost.cli.WaypostCommand");
    }
    String user = config.get("User").asText();
    assertThat(user).matches("[0-9]+:[0-9]+");
    assertThat(Integer.parseInt(user.split(":")[0])).as("uid").isNotZero();
  }

  @Test
  void theCommandServesWithTheImagesConfigurationKeepingDataOnTheVolume() throws IOException {
    List<String> command = strings(config.get("Cmd"));
    assertThat(command).containsExactly("serve", "--config", "/etc/waypost/waypost.yaml");
    WaypostConfig serving = ConfigLoader.load(inImage(command.get(2)), Map.of(), Map.of());
    assertThat(serving.database().url()).isEqualTo("jdbc:sqlite:/var/lib/waypost/waypost.db");
    assertThat(serving.privacy().keyDir()).startsWith("/var/lib/waypost/");
    assertThat(serving.logging().json()).isTrue();
    assertThat(serving.server().port()).isEqualTo(8080);
    assertThat(config.get("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(config.get("WorkingDir").asText()).isEqualTo("/var/lib/waypost");
    assertThat(config.get("Volumes").has("/var/lib/waypost")).isTrue();
    String group = config.get("User").asText().split(":")[1];
    for (String writable : List.of("/var/lib/waypost", "/tmp")) {
      assertThat(Files.getAttribute(inImage(writable), "unix:gid"))
          .isEqualTo(Integer.valueOf(group));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(inImage(writable))))
          .as(writable)
          .isEqualTo("rwxrwx---");
    }
  }

  @Test
  void theJarCarriesSqliteForLinuxOnX8664AndAarch64Only() throws IOException {
    try (JarFile jar = new JarFile(inImage("/opt/waypost/waypost.jar").toFile())) {
      List<String> natives =
          jar.stream()
              .map(e -> e.getName())
              .filter(name -> name.startsWith("org/sqlite/native/") && !name.endsWith("/"))
              .toList();
      assertThat(natives)
          .containsExactlyInAnyOrder(
              "org/sqlite/native/Linux/x86_64/libsqlitejdbc.so",
              "org/sqlite/native/Linux/aarch64/libsqlitejdbc.so");
    }
  }

  @Test
  void theEntryPointStartsInTheImageAloneAndAnswersLookups() throws Exception {
    List<String> entrypoint = strings(config.get("Entrypoint"));
    List<String> keysInit = new ArrayList<>(entrypoint);
    keysInit.addAll(List.of("keys", "init", "--config", "/etc/waypost/waypost.yaml"));
    Process init = container(keysInit, work.resolve("init.out"), work.resolve("init.err"));
    assertThat(init.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(init.exitValue()).as(Files.readString(work.resolve("init.err"))).isZero();

    List<String> serveCommand = new ArrayList<>(entrypoint);
    serveCommand.addAll(strings(config.get("Cmd")));
    Path stdout = work.resolve("serve.out");
    Path stderr = work.resolve("serve.err");
    Process serve = container(serveCommand, stdout, stderr);
    try {
      String base = "http://127.0.0.1:" + awaitPort(serve, stderr) + "/";
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ready = get(http, base + "health/ready");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      String unknown = TrackingNumber.issueImpb("055", "654321", 77).value();
      HttpResponse<String> lookup = get(http, base + "api/v1/tracking/" + unknown);
      assertThat(lookup.statusCode()).isEqualTo(404);
      assertThat(lookup.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    } finally {
      serve.destroy();
      if (!serve.waitFor(30, TimeUnit.SECONDS)) {
        serve.destroyForcibly().waitFor();
      }
    }
    for (String line : Files.readAllLines(stdout)) {
      assertThat(JSON.readTree(line).isObject()).as("a JSON log line: %s", line).isTrue();
    }
    String uid = config.get("User").asText().split(":")[0];
    assertThat(Files.getAttribute(inImage("/var/lib/waypost/waypost.db"), "unix:uid"))
        .isEqualTo(Integer.valueOf(uid));
  }

  /**
   * Runs {@code command} as the image would: in the unpacked layers, as the image's user, with the
   * image's environment alone, listening on loopback (never on every address of this machine).
   */
  private static Process container(List<String> command, Path stdout, Path stderr)
      throws IOException {
    List<String> line = new ArrayList<>();
    line.addAll(
        List.of("unshare", "--mount", "--pid", "--fork", "--kill-child=SIGTERM", "sh", "-c"));
    line.addAll(List.of(CONTAINER, "container", root.toString(), config.get("User").asText()));
    line.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(line).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String variable : strings(config.get("Env"))) {
      int eq = variable.indexOf('=');
      env.put(variable.substring(0, eq), variable.substring(eq + 1));
    }
    env.put("WAYPOST_SERVER_HOST", "127.0.0.1");
    env.put("WAYPOST_SERVER_PORT", "0");
    return builder.start();
  }

  /** The port serve reports on stderr (stdout carries the JSON log). */
  private static int awaitPort(Process serve, Path stderr) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher serving = SERVING.matcher(Files.readString(stderr));
      if (serving.find()) {
        return Integer.parseInt(serving.group(1));
      }
      assertThat(serve.isAlive()).as("serve stopped: %s", Files.readString(stderr)).isTrue();
      Thread.sleep(100);
    }
    throw new AssertionError("serve did not start within 60 s: " + Files.readString(stderr));
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Path inImage(String absolute) {
    return root.resolve(absolute.substring(1));
  }

  private static List<String> strings(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static void run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("%s: %s", command, output).isZero();
  }
}
