package org.waypost.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.waypost.App;
import org.waypost.config.WaypostConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = "Run the production server.")
final class ServeCommand implements Callable<Integer> {
  @Mixin Storage storage;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    WaypostConfig config = storage.load();
    Logging.start(config, System.getenv());
    App app = App.open(config, Clock.systemUTC()).serve();
    PrintWriter out = Logging.forPeople(spec, config.logging());
    out.printf("Waypost is serving on http://%s:%d/%n", config.server().host(), app.port());
    out.flush();
    Running.untilStopped(app);
    return 0;
  }
}
