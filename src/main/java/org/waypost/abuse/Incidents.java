package org.waypost.abuse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.waypost.db.Database;
import org.waypost.error.ProblemException;
import org.waypost.governance.AuditLog;
import org.waypost.governance.Operator;
import org.waypost.keys.DayKeys;
import org.waypost.keys.KeyStore;

/**
 * What security operators see of abuse: incidents described by pseudonyms, and — one at a time,
 * with a stated reason that goes into the audit log in the same transaction — the address behind
 * one, for as long as the day's key exists.
 */
public final class Incidents {
  static final int MAX_REASON = 500;

  private final Database database;
  private final IncidentStore store = new IncidentStore();
  private final KeyStore keys;
  private final AuditLog audit;
  private final int retentionDays;

  public Incidents(Database database, KeyStore keys, AuditLog audit, int retentionDays) {
    this.database = database;
    this.keys = keys;
    this.audit = audit;
    this.retentionDays = retentionDays;
  }

  /** The newest incidents, without any address. */
  public List<Map<String, Object>> list(int limit) {
    return database.read(c -> store.newest(c, limit)).stream().map(this::describe).toList();
  }

  private Map<String, Object> describe(IncidentStore.Row row) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", row.id());
    out.put("day", row.day().toString());
    out.put("rule", row.rule());
    out.put("scope", row.scope().name());
    out.put("client", pseudonym(row.clientTag()));
    out.put("network", pseudonym(row.prefixTag()));
    out.put("distinctNumbers", row.lookups());
    out.put("unknownOrInvalid", row.failures());
    out.put("firstSeen", Instant.ofEpochMilli(row.firstSeen()).toString());
    out.put("lastSeen", Instant.ofEpochMilli(row.lastSeen()).toString());
    out.put("action", row.action());
    out.put("blockedUntil", Instant.ofEpochMilli(row.blockedUntil()).toString());
    out.put("offence", row.offence());
    out.put("revealable", !keys.isDestroyed(row.day()) && keys.existing(row.day()).isPresent());
    return out;
  }

  /** The day tag's first 8 bytes: stable within the day, and the link to the security log. */
  private static String pseudonym(byte[] tag) {
    return HexFormat.of().formatHex(tag, 0, 8);
  }

  /** The result of a reveal. */
  public record Revealed(long incident, String scope, String address, long auditSeq) {}

  public Revealed reveal(long id, String reason, Operator by) {
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty()) {
      throw ProblemException.validation("a reason is required to reveal an address");
    }
    if (why.length() > MAX_REASON) {
      throw ProblemException.validation("reason must be at most " + MAX_REASON + " characters");
    }
    Revealed revealed =
        database.inTransaction(
            c -> {
              IncidentStore.Row row =
                  store
                      .find(c, id)
                      .orElseThrow(() -> ProblemException.notFound("No incident " + id + "."));
              Optional<DayKeys> dayKeys = keys.existing(row.day());
              if (dayKeys.isEmpty()) {
                throw ProblemException.notFound(destroyed(row.day()));
              }
              String address =
                  new String(
                      dayKeys.get().open(row.sealedIp(), Blocks.associatedData(row.day())),
                      StandardCharsets.US_ASCII);
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("reason", why);
              details.put("scope", row.scope().name());
              details.put("day", row.day().toString());
              long seq =
                  audit.append(c, by.name(), "incident.reveal", "incident:" + id, details).seq();
              return new Revealed(id, row.scope().name(), address, seq);
            });
    // The reveal and its entry have committed: a checkpoint file that cannot be written now must
    // not turn the answer into an error (a retry would reveal, and record, a second time). The
    // entry is signed in the database already; the file catches up at the next checkpoint.
    audit.checkpointWhenPossible();
    return revealed;
  }

  private String destroyed(LocalDate day) {
    return "The data behind this incident was destroyed on "
        + KeyStore.destroyedOn(day, retentionDays)
        + " under the "
        + retentionDays
        + "-day retention policy; the address can no longer be revealed.";
  }
}
