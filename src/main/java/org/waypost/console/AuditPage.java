package org.waypost.console;

import java.util.List;
import org.waypost.governance.AuditLog.Entry;
import org.waypost.governance.AuditLog.Verification;

/**
 * One page of the audit log, newest entries first, under the result of verifying the whole chain.
 *
 * @param olderBefore the {@code before} of the next, older page; null on the oldest page
 * @param newest whether this is the newest page
 */
public record AuditPage(
    ConsolePage console,
    Verification verification,
    List<Entry> entries,
    Long olderBefore,
    boolean newest) {
  public AuditPage {
    entries = List.copyOf(entries);
  }

  /** A hash shortened for reading; the full value is in the cell's title and the API. */
  public static String shortHash(String hash) {
    return hash == null || hash.length() < 16 ? hash : hash.substring(0, 16) + "…";
  }
}
