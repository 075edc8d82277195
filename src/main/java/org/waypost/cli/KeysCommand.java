package org.waypost.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.waypost.config.PrivacyConfig;
import org.waypost.keys.KeyStoreException;
import org.waypost.keys.MasterKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code waypost keys}: sets up the master key that wraps the per-day visitor-data keys. */
@Command(
    name = "keys",
    description = "Manage the keys that protect visitor data.",
    subcommands = KeysCommand.Init.class)
final class KeysCommand {

  @Command(
      name = "init",
      description =
          "Create the master key file (mode 0600) at privacy.masterKeyFile when none exists;"
              + " never overwrites one.")
  static final class Init implements Callable<Integer> {
    @Mixin Storage storage;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrivacyConfig privacy = storage.load().privacy();
      var out = spec.commandLine().getOut();
      if (!privacy.masterKey().isBlank()) {
        check(privacy);
        out.println(
            "The master key is given in WAYPOST_PRIVACY_MASTERKEY (privacy.masterKey);"
                + " no key file is needed.");
      } else {
        if (MasterKey.createIfMissing(privacy)) {
          out.printf(
              "Created the master key file %s (mode 0600).%n"
                  + "Back it up, apart from the database backups. Keep the key folder %s out of"
                  + " backups: a copy would keep day keys alive past their retention.%n",
              privacy.masterKeyFile(), privacy.keyDir());
        } else {
          check(privacy);
          Path file = MasterKey.file(privacy);
          out.printf("A master key file already exists at %s; left unchanged.%n", file);
          if (MasterKey.insideKeyFolder(privacy, file)) {
            Path configured = Path.of(privacy.masterKeyFile());
            Path target =
                MasterKey.insideKeyFolder(privacy, configured)
                    ? Path.of(privacy.keyDir())
                        .toAbsolutePath()
                        .normalize()
                        .resolveSibling("master.key")
                    : configured;
            out.printf(
                "It lies inside the key folder %s, which is kept out of backups: move it to %s"
                    + " (privacy.masterKeyFile), outside that folder, and back it up.%n",
                privacy.keyDir(), target);
          }
        }
      }
      out.flush();
      return 0;
    }

    /** Fails the command when the configured key cannot be used, so the server would not start. */
    private static void check(PrivacyConfig privacy) {
      try {
        MasterKey.load(privacy);
      } catch (KeyStoreException e) {
        throw new CommandFailure(e.getMessage());
      }
    }
  }
}
