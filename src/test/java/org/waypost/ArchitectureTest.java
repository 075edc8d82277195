package org.waypost;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.waypost.cli.WaypostCommand;
import org.waypost.cyclea.FirstOfACycle;
import org.waypost.cycleb.SecondOfACycle;
import org.waypost.tracking.HttpInTheDomain;
import org.waypost.tracking.http.TrackingRoutes;

/**
 * The package boundaries, checked on the compiled main classes.
 *
 * <ul>
 *   <li>Packages form no cycle: {@code org.waypost.X..} slices depend on each other one way only,
 *       so each can be read (and changed) knowing only what lies below it.
 *   <li>{@code web/} is a leaf: it knows no feature. Features plug into it ({@code Routes}, {@code
 *       RequestHook}, {@code Gate}, {@code ErrorPages}), never the other way.
 *   <li>A feature's HTTP adapters live in its {@code http} subpackage; everything else in the
 *       feature is plain Java that the CLI, a test or another transport could drive, with no
 *       dependency on the web layer, the CLI or Javalin. The console is all adapter.
 *   <li>The CLI sits on top: nothing depends on it, and only it talks to the terminal.
 * </ul>
 */
class ArchitectureTest {
  /** Every package below org.waypost but web, cli, console and the generated templates. */
  private static final String[] DOMAIN_PACKAGES = {
    "org.waypost.abuse",
    "org.waypost.analytics",
    "org.waypost.catalog",
    "org.waypost.config",
    "org.waypost.csv",
    "org.waypost.db",
    "org.waypost.demo",
    "org.waypost.error",
    "org.waypost.governance",
    "org.waypost.json",
    "org.waypost.keys",
    "org.waypost.net",
    "org.waypost.notify",
    "org.waypost.retention",
    "org.waypost.shipper",
    "org.waypost.tracking",
    "org.waypost.visitor"
  };

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.waypost");

  private static final ArchRule NO_PACKAGE_CYCLES =
      slices().matching("org.waypost.(*)..").should().beFreeOfCycles();

  private static final ArchRule WEB_KNOWS_NO_FEATURE =
      noClasses()
          .that()
          .resideInAPackage("org.waypost.web..")
          .should()
          .dependOnClassesThat()
          .resideOutsideOfPackages(
              "org.waypost.web..",
              "org.waypost.config..",
              "org.waypost.error..",
              "org.waypost.json..",
              "org.waypost.net..",
              "java..",
              "javax..",
              "jakarta..",
              "io.javalin..",
              "io.micrometer..",
              "gg.jte..",
              "org.slf4j..",
              "kotlin..",
              "org.eclipse.jetty..");

  private static final ArchRule DOMAIN_STAYS_OFF_THE_WEB =
      noClasses()
          .that()
          .resideInAnyPackage(DOMAIN_PACKAGES)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.waypost.web..", "org.waypost.cli..", "io.javalin..");

  private static final ArchRule NOTHING_DEPENDS_ON_THE_CLI =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.waypost.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.waypost.cli..");

  /** System.out, System.err and Throwable.printStackTrace(): ArchUnit's own definition. */
  private static final ArchRule ONLY_THE_CLI_PRINTS =
      noClasses()
          .that()
          .resideInAPackage("org.waypost..")
          .and()
          .resideOutsideOfPackage("org.waypost.cli..")
          .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS);

  @Test
  void packagesAreFreeOfCycles() {
    NO_PACKAGE_CYCLES.check(MAIN);
  }

  @Test
  void webKnowsNoFeature() {
    WEB_KNOWS_NO_FEATURE.check(MAIN);
  }

  @Test
  void domainPackagesDoNotDependOnWebCliOrJavalin() {
    DOMAIN_STAYS_OFF_THE_WEB.check(MAIN);
  }

  @Test
  void nothingOutsideTheCliDependsOnIt() {
    NOTHING_DEPENDS_ON_THE_CLI.check(MAIN);
  }

  @Test
  void onlyTheCliWritesToTheConsole() {
    ONLY_THE_CLI_PRINTS.check(MAIN);
  }

  /** Guards against rules that pass because they match nothing. */
  @Test
  void rulesSeeTheMainClassesAndCanFail() {
    assertThat(MAIN.contain(App.class)).isTrue();
    assertThat(MAIN.contain(TrackingRoutes.class)).isTrue();
    assertThat(MAIN.contain(ArchitectureTest.class)).as("tests are not imported").isFalse();

    ClassFileImporter importer = new ClassFileImporter();
    assertThat(
            NO_PACKAGE_CYCLES
                .evaluate(importer.importClasses(FirstOfACycle.class, SecondOfACycle.class))
                .hasViolation())
        .as("two packages that use each other")
        .isTrue();
    assertThat(
            DOMAIN_STAYS_OFF_THE_WEB
                .evaluate(importer.importClasses(HttpInTheDomain.class))
                .hasViolation())
        .as("an HTTP handler among the tracking domain's classes")
        .isTrue();
    assertThat(
            ONLY_THE_CLI_PRINTS
                .evaluate(importer.importClasses(WritesToStderr.class))
                .hasViolation())
        .isTrue();
    assertThat(
            ONLY_THE_CLI_PRINTS
                .evaluate(importer.importClasses(PrintsStackTrace.class))
                .hasViolation())
        .isTrue();
    assertThat(
            NOTHING_DEPENDS_ON_THE_CLI
                .evaluate(importer.importClasses(CliCaller.class))
                .hasViolation())
        .isTrue();
  }

  /**
   * What jdeps, the JDK's own dependency analyser, reads from the compiled classes agrees: no two
   * top-level packages depend on each other, directly or through others.
   */
  @Test
  void jdepsFindsNoCycleEither() {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    int status =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            "-verbose:package",
            "-filter:none",
            "-e",
            "org\\.waypost\\..*",
            Path.of("target/classes").toString());
    assertThat(status).isZero();
    Map<String, Set<String>> edges = new TreeMap<>();
    for (String line : out.toString().split("\\R")) {
      String[] words = line.strip().split("\\s+");
      if (words.length >= 3 && words[1].equals("->")) {
        String from = slice(words[0]);
        String to = slice(words[2]);
        if (from != null && to != null && !from.equals(to)) {
          edges.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
        }
      }
    }
    assertThat(edges).as("jdeps read the packages").containsKeys("tracking", "web", "cli");
    for (String start : edges.keySet()) {
      assertThat(reachable(edges, start))
          .as("packages that reach back to " + start)
          .doesNotContain(start);
    }
  }

  /** The top-level package under org.waypost, e.g. "tracking" for org.waypost.tracking.http. */
  private static String slice(String pkg) {
    if (!pkg.startsWith("org.waypost.")) {
      return null;
    }
    String rest = pkg.substring("org.waypost.".length());
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  private static Set<String> reachable(Map<String, Set<String>> edges, String start) {
    Set<String> seen = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>(edges.getOrDefault(start, Set.of()));
    while (!todo.isEmpty()) {
      String next = todo.pop();
      if (seen.add(next)) {
        todo.addAll(edges.getOrDefault(next, Set.of()));
      }
    }
    return seen;
  }

  /** Breaks rule (c): writes to the console from outside the CLI. */
  static final class WritesToStderr {
    void report() {
      System.err.println("failed");
    }
  }

  /** Breaks rule (c): a stack trace on the console, through a subclass of Throwable. */
  static final class PrintsStackTrace {
    void report(IllegalStateException e) {
      e.printStackTrace();
    }
  }

  /** Breaks rule (b): reaches into the CLI. */
  static final class CliCaller {
    Runnable command() {
      return new WaypostCommand();
    }
  }
}
