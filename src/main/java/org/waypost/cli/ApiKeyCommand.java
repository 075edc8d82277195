package org.waypost.cli;

import java.time.Clock;
import java.util.concurrent.Callable;
import org.waypost.App;
import org.waypost.shipper.ApiKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "apikey",
    description = "Manage shipper API keys.",
    subcommands = {ApiKeyCommand.Create.class, ApiKeyCommand.Revoke.class})
final class ApiKeyCommand {

  @Command(
      name = "create",
      description = "Create an API key for a shipper (printed once, on the last line).")
  static final class Create implements Callable<Integer> {
    @Mixin Storage storage;
    @Spec CommandSpec spec;

    @Option(
        names = "--shipper",
        required = true,
        paramLabel = "NAME",
        description = "the shipper's name")
    String shipper;

    @Option(
        names = "--network",
        description =
            "a key for the operator's own scanning network: it may post scans for any piece")
    boolean network;

    @Override
    public Integer call() {
      try (App app = App.open(storage.load(), Clock.systemUTC())) {
        ApiKeys.Created created;
        try {
          created = app.apiKeys().create(shipper, network);
        } catch (IllegalArgumentException e) {
          throw new CommandFailure(e.getMessage());
        }
        var out = spec.commandLine().getOut();
        out.printf(
            "Created %sAPI key %s for shipper \"%s\". It is shown only now:%n",
            network ? "network " : "", created.keyId(), created.shipper().name());
        out.println(created.key());
        out.flush();
      }
      return 0;
    }
  }

  @Command(
      name = "revoke",
      description = "Revoke a shipper API key by its id (the part after wpk_).")
  static final class Revoke implements Callable<Integer> {
    @Mixin Storage storage;
    @Spec CommandSpec spec;

    @Option(names = "--key-id", required = true, paramLabel = "ID", description = "the key's id")
    String keyId;

    @Override
    public Integer call() {
      try (App app = App.open(storage.load(), Clock.systemUTC())) {
        try {
          app.apiKeys().revoke(keyId);
        } catch (IllegalArgumentException e) {
          throw new CommandFailure(e.getMessage());
        }
        spec.commandLine().getOut().printf("Revoked API key %s.%n", keyId);
        spec.commandLine().getOut().flush();
      }
      return 0;
    }
  }
}
