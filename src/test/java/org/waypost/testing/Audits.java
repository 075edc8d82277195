package org.waypost.testing;

import java.nio.file.Path;
import java.time.Clock;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog;
import org.waypost.governance.Checkpoints;
import org.waypost.keys.KeyStoreException;

/** An audit log for tests that need one but no master key (checkpoints are deferred). */
public final class Audits {
  private Audits() {}

  public static AuditLog withoutCheckpoints(Database database, Clock clock, Path dir) {
    return new AuditLog(
        database,
        clock,
        new Checkpoints(
            dir.resolve("checkpoints"),
            () -> {
              throw new KeyStoreException("no master key in this test");
            }));
  }
}
