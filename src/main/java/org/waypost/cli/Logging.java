package org.waypost.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.config.ConfigLoader;
import org.waypost.config.LoggingConfig;
import org.waypost.config.WaypostConfig;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Sets up logging for the commands that run the server (serve, demo), before the application
 * starts, so that its first line is already in the configured format.
 *
 * <p>logback.xml (logfmt on stderr) is what logback loads by itself, and what every other command
 * keeps: their output is for people. With {@code logging.format: json} the logging context is
 * reloaded from logback-json.xml, and stdout then carries only log lines, one JSON object each;
 * what the command prints for people moves to stderr (see {@link #forPeople}).
 */
final class Logging {
  private static final Logger log = LoggerFactory.getLogger(Logging.class);

  private Logging() {}

  /**
   * Applies {@code config.logging()}, then says which {@code WAYPOST_} variables of {@code env}
   * were ignored as set by Kubernetes for a service.
   */
  static void start(WaypostConfig config, Map<String, String> env) {
    if (config.logging().json()) {
      reload("/logback-json.xml");
    }
    List<String> ignored = ConfigLoader.kubernetesVariables(env);
    if (!ignored.isEmpty()) {
      log.info(
          "ignored variables that Kubernetes sets for services: {}", String.join(", ", ignored));
    }
  }

  /** Where a serving command prints for people: stdout, unless log lines have it. */
  static PrintWriter forPeople(CommandSpec spec, LoggingConfig logging) {
    return logging.json() ? spec.commandLine().getErr() : spec.commandLine().getOut();
  }

  private static void reload(String resource) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    context.reset();
    try {
      configurator.doConfigure(Logging.class.getResource(resource));
    } catch (JoranException e) {
      throw new IllegalStateException("cannot load the logging configuration " + resource, e);
    }
  }
}
