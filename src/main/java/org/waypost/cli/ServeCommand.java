package org.waypost.cli;

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
    App app = App.open(config, Clock.systemUTC()).serve();
    spec.commandLine()
        .getOut()
        .printf("Waypost is serving on http://%s:%d/%n", config.server().host(), app.port());
    spec.commandLine().getOut().flush();
    Running.untilStopped(app);
    return 0;
  }
}
