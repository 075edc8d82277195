package org.waypost;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import org.junit.jupiter.api.Test;
import org.waypost.cli.WaypostCommand;
import org.waypost.tracking.TrackingRoutes;

/**
 * The package boundaries, checked on the compiled main classes. Features keep their HTTP and page
 * adapters in classes named {@code *Routes} and {@code *Page}; everything else in a feature is
 * plain Java that the CLI, a test or another transport could drive. The CLI sits on top: nothing
 * depends on it, and only it talks to the terminal.
 */
class ArchitectureTest {
  private static final String[] DOMAIN_PACKAGES = {
    "org.waypost.tracking..",
    "org.waypost.shipper..",
    "org.waypost.config..",
    "org.waypost.db..",
    "org.waypost.json..",
    "org.waypost.error..",
    "org.waypost.demo..",
    "org.waypost.governance..",
    "org.waypost.keys..",
    "org.waypost.visitor..",
    "org.waypost.analytics..",
    "org.waypost.retention..",
    "org.waypost.console.."
  };

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.waypost");

  /**
   * A class that is (or is nested in) a {@code *Routes} or {@code *Page} class: the adapter half of
   * a feature. Nested classes count with their top-level class, so a record or anonymous class
   * inside {@code TrackingRoutes} is judged as part of it.
   */
  private static final DescribedPredicate<JavaClass> WEB_ADAPTER =
      DescribedPredicate.describe(
          "belong to a *Routes or *Page class",
          c -> {
            String name = topLevel(c).getSimpleName();
            return name.endsWith("Routes") || name.endsWith("Page");
          });

  private static final ArchRule DOMAIN_STAYS_OFF_THE_WEB =
      noClasses()
          .that()
          .resideInAnyPackage(DOMAIN_PACKAGES)
          .and(DescribedPredicate.doNot(WEB_ADAPTER))
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

    // Without the adapter exemption, the routes classes would break rule (a).
    ArchRule withoutExemption =
        noClasses()
            .that()
            .resideInAnyPackage(DOMAIN_PACKAGES)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.waypost.web..", "io.javalin..");
    assertThat(withoutExemption.evaluate(MAIN).getFailureReport().getDetails())
        .anyMatch(line -> line.contains("TrackingRoutes"))
        .anyMatch(line -> line.contains("ShipperRoutes"));

    ClassFileImporter importer = new ClassFileImporter();
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

  private static JavaClass topLevel(JavaClass c) {
    JavaClass outer = c;
    while (outer.getEnclosingClass().isPresent()) {
      outer = outer.getEnclosingClass().get();
    }
    return outer;
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
