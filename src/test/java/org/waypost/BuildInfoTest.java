package org.waypost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What waypost_build_info says, and that it never passes on what the build did not know. */
class BuildInfoTest {

  private static Properties build(String version, String commit) {
    Properties build = new Properties();
    if (version != null) {
      build.setProperty("version", version);
    }
    if (commit != null) {
      build.setProperty("commit", commit);
    }
    return build;
  }

  @Test
  void theBuildOfThisTestRunNamesItsVersionAndCommit() {
    BuildInfo current = BuildInfo.current();
    assertThat(current.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(current.commit()).matches("[0-9a-f]{12}(-dirty)?|unknown");
  }

  @Test
  void aCommitAndAVersionAsTheBuildWritesThem() {
    assertThat(BuildInfo.of(build("0.1.0-SNAPSHOT", "3f2a9c01b7de")))
        .isEqualTo(new BuildInfo("0.1.0-SNAPSHOT", "3f2a9c01b7de"));
    assertThat(BuildInfo.of(build("1.2.0", "3f2a9c01b7de-dirty")).commit())
        .isEqualTo("3f2a9c01b7de-dirty");
  }

  @Test
  void whatTheBuildDidNotKnowIsUnknown() {
    assertThat(BuildInfo.of(new Properties())).isEqualTo(new BuildInfo("unknown", "unknown"));
    assertThat(BuildInfo.of(build("${project.version}", "unknown")))
        .isEqualTo(new BuildInfo("unknown", "unknown"));
    assertThat(BuildInfo.of(build("1.0", "fatal: not a git repository")).commit())
        .isEqualTo("unknown");
    assertThat(BuildInfo.of(build("1.0\"} 1\nfake 2", "ABCDEF1")))
        .isEqualTo(new BuildInfo("unknown", "unknown"));
  }
}
