package org.waypost;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The version and commit this build came from, as Maven wrote them into {@code build.properties}
 * (pom.xml: the project version, and the abbreviated commit with {@code -dirty} when the work tree
 * had changes). Either is {@code unknown} when the build could not tell: a build from a source
 * archive without git, or classes compiled outside Maven.
 *
 * @param version e.g. {@code 0.1.0-SNAPSHOT}
 * @param commit e.g. {@code 3f2a9c01b7de}, {@code 3f2a9c01b7de-dirty} or {@code unknown}
 */
record BuildInfo(String version, String commit) {
  static final String UNKNOWN = "unknown";
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}(-dirty)?");

  /** This build's, from the class path. */
  static BuildInfo current() {
    Properties build = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return of(build);
  }

  /** What {@code build} says; a missing or malformed value is unknown. */
  static BuildInfo of(Properties build) {
    String version = build.getProperty("version", "");
    String commit = build.getProperty("commit", "");
    if (!VERSION.matcher(version).matches()) {
      version = UNKNOWN;
    }
    if (!COMMIT.matcher(commit).matches()) {
      commit = UNKNOWN;
    }
    return new BuildInfo(version, commit);
  }

  /** {@code waypost_build_info{version,commit} 1}: one series per process. */
  void register(MeterRegistry meters) {
    Gauge.builder("waypost.build.info", () -> 1)
        .description("The version and commit of this build (value always 1)")
        .tag("version", version)
        .tag("commit", commit)
        .register(meters);
  }
}
