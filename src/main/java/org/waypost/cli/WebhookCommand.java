package org.waypost.cli;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.waypost.App;
import org.waypost.notify.WebhookTargets;
import org.waypost.notify.Webhooks;
import org.waypost.tracking.EventType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "webhook",
    description = "Manage a shipper's webhook endpoints (as POST/GET/DELETE /api/v1/webhooks).",
    subcommands = {
      WebhookCommand.Create.class,
      WebhookCommand.List.class,
      WebhookCommand.Delete.class
    })
final class WebhookCommand {

  /** The --shipper option every subcommand takes. */
  static final class Account {
    @Option(
        names = "--shipper",
        required = true,
        paramLabel = "NAME",
        description = "the shipper account's name (as given to apikey create)")
    String shipper;

    long id(App app) {
      return app.apiKeys()
          .accountNamed(shipper)
          .orElseThrow(() -> new CommandFailure("no shipper account is named \"" + shipper + "\""));
    }
  }

  @Command(
      name = "create",
      description = "Register an endpoint; prints its id, then its signing secret (shown once).")
  static final class Create implements Callable<Integer> {
    @Mixin Storage storage;
    @Mixin Account account;
    @Spec CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL", description = "https URL")
    String url;

    @Option(
        names = "--events",
        split = ",",
        paramLabel = "TYPE",
        description = "only these scan types (e.g. OUT_FOR_DELIVERY,DELIVERED); default: all")
    java.util.List<String> events = java.util.List.of();

    @Override
    public Integer call() {
      Set<EventType> types = EnumSet.noneOf(EventType.class);
      for (String type : events) {
        try {
          types.add(EventType.valueOf(type.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new CommandFailure(
              "--events: unknown scan type; use " + EnumSet.allOf(EventType.class));
        }
      }
      try (App app = App.open(storage.load(), Clock.systemUTC())) {
        Webhooks.Created created;
        try {
          created = app.webhooks().create(account.id(app), url, types);
        } catch (WebhookTargets.Refused e) {
          throw new CommandFailure(e.getMessage());
        } catch (Webhooks.TooMany e) {
          throw new CommandFailure(e.getMessage());
        }
        var out = spec.commandLine().getOut();
        out.printf(
            "Created webhook %d for %s. Its signing secret is shown only now:%n",
            created.id(), url);
        out.println(created.secret());
        out.flush();
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List the shipper's endpoints.")
  static final class List implements Callable<Integer> {
    @Mixin Storage storage;
    @Mixin Account account;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (App app = App.open(storage.load(), Clock.systemUTC())) {
        var out = spec.commandLine().getOut();
        for (Webhooks.Endpoint e : app.webhooks().list(account.id(app))) {
          out.printf(
              "%d\t%s\t%s\t%s%n",
              e.id(),
              e.url(),
              e.events().isEmpty() ? "*" : String.join(",", names(e.events())),
              e.disabledAt() == null ? "enabled" : "disabled since " + e.disabledAt());
        }
        out.flush();
      }
      return 0;
    }

    private static java.util.List<String> names(Set<EventType> events) {
      return events.stream().map(Enum::name).toList();
    }
  }

  @Command(name = "delete", description = "Delete an endpoint and its delivery log.")
  static final class Delete implements Callable<Integer> {
    @Mixin Storage storage;
    @Mixin Account account;
    @Spec CommandSpec spec;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "the endpoint's id")
    long id;

    @Override
    public Integer call() {
      try (App app = App.open(storage.load(), Clock.systemUTC())) {
        if (!app.webhooks().delete(account.id(app), id)) {
          throw new CommandFailure("the shipper has no webhook " + id);
        }
        spec.commandLine().getOut().printf("Deleted webhook %d.%n", id);
        spec.commandLine().getOut().flush();
      }
      return 0;
    }
  }
}
