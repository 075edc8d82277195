package org.waypost.abuse;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.waypost.db.Database;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.governance.AuditLog;
import org.waypost.governance.Operator;
import org.waypost.governance.Role;
import org.waypost.keys.DayKeys;
import org.waypost.keys.KeyStore;

/**
 * What security operators see of abuse and do about it: incidents described by pseudonyms, and —
 * one at a time, with a stated reason that goes into the audit log in the same transaction — the
 * address behind one (for as long as the day's key exists), lifting its block, allowing its network
 * for a while, or marking it a false positive. An action takes effect on this node when it commits
 * and on the others at their next refresh ({@link Blocks}).
 */
public final class Incidents {
  static final int MAX_REASON = 500;

  /** The shortest allowance, in hours. */
  public static final int MIN_ALLOW_HOURS = 1;

  private final Database database;
  private final IncidentStore store = new IncidentStore();
  private final KeyStore keys;
  private final AuditLog audit;
  private final Blocks blocks;
  private final Clock clock;
  private final int retentionDays;
  private final int maxAllowHours;

  /**
   * @param maxAllowDays the longest allowance, in days ({@code abuse.maxBlockDays}: no longer than
   *     the longest block)
   */
  public Incidents(
      Database database,
      KeyStore keys,
      AuditLog audit,
      Blocks blocks,
      Clock clock,
      int retentionDays,
      int maxAllowDays) {
    this.database = database;
    this.keys = keys;
    this.audit = audit;
    this.blocks = blocks;
    this.clock = clock;
    this.retentionDays = retentionDays;
    this.maxAllowHours = maxAllowDays * 24;
  }

  /** The longest allowance, in hours. */
  public int maxAllowHours() {
    return maxAllowHours;
  }

  /** The newest incidents, without any address, each with the actions taken on it. */
  public List<Map<String, Object>> list(int limit) {
    record Listed(List<IncidentStore.Row> rows, List<IncidentStore.Action> actions) {}
    Listed listed =
        database.read(
            c -> {
              List<IncidentStore.Row> rows = store.newest(c, limit);
              long oldest = rows.isEmpty() ? Long.MAX_VALUE : rows.getLast().id();
              return new Listed(rows, store.actionsFrom(c, oldest));
            });
    Map<Long, List<IncidentStore.Action>> byIncident =
        listed.actions().stream()
            .collect(Collectors.groupingBy(IncidentStore.Action::incident, Collectors.toList()));
    long now = clock.millis();
    return listed.rows().stream()
        .map(row -> describe(row, byIncident.getOrDefault(row.id(), List.of()), now))
        .toList();
  }

  private Map<String, Object> describe(
      IncidentStore.Row row, List<IncidentStore.Action> actions, long now) {
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
    out.put("action", actions.isEmpty() ? row.action() : actions.getLast().kind().name());
    out.put("blockedUntil", Instant.ofEpochMilli(row.blockedUntil()).toString());
    boolean lifted = actions.stream().anyMatch(a -> a.kind().lifts());
    out.put("blockActive", !lifted && row.blockedUntil() > now);
    Long allowedUntil =
        actions.stream()
            .filter(a -> a.kind() == IncidentAction.ALLOWED)
            .map(IncidentStore.Action::allowedUntil)
            .max(Long::compare)
            .orElse(null);
    out.put(
        "networkAllowedUntil",
        allowedUntil != null && allowedUntil > now
            ? Instant.ofEpochMilli(allowedUntil).toString()
            : null);
    out.put(
        "falsePositive", actions.stream().anyMatch(a -> a.kind() == IncidentAction.FALSE_POSITIVE));
    out.put("offence", row.offence());
    out.put("revealable", !keys.isDestroyed(row.day()) && keys.existing(row.day()).isPresent());
    List<Map<String, Object>> taken = new ArrayList<>();
    for (IncidentStore.Action action : actions) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("action", action.kind().name());
      entry.put("by", action.operator());
      entry.put("at", Instant.ofEpochMilli(action.at()).toString());
      entry.put("reason", action.reason());
      if (action.allowedUntil() != null) {
        entry.put("allowedUntil", Instant.ofEpochMilli(action.allowedUntil()).toString());
      }
      entry.put("auditSeq", action.auditSeq());
      taken.add(entry);
    }
    out.put("actions", taken);
    return out;
  }

  /** The day tag's first 8 bytes: stable within the day, and the link to the security log. */
  private static String pseudonym(byte[] tag) {
    return HexFormat.of().formatHex(tag, 0, 8);
  }

  /** The result of a reveal. */
  public record Revealed(long incident, String scope, String address, long auditSeq) {}

  public Revealed reveal(long id, String reason, Operator by) {
    String why = reason(reason, "to reveal an address");
    Revealed revealed =
        database.inTransaction(
            c -> {
              IncidentStore.Row row =
                  store
                      .find(c, id)
                      .orElseThrow(() -> ProblemException.notFound("No incident " + id + "."));
              Optional<DayKeys> dayKeys = keys.existing(row.day());
              if (dayKeys.isEmpty()) {
                throw ProblemException.notFound(
                    destroyed(row.day(), "the address can no longer be revealed"));
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

  /**
   * What an action did.
   *
   * @param allowedUntil for an allowance, when it ends (perhaps sooner than asked: see {@link
   *     #allow}); null otherwise
   */
  public record Acted(long incident, IncidentAction action, Instant allowedUntil, long auditSeq) {}

  /**
   * Lifts an incident's block before its time; the enumeration count of the client (or network)
   * starts afresh.
   *
   * @throws ProblemException {@code validation-failed} without a reason; {@code not-found}; {@code
   *     conflict} when the block has ended or was lifted already
   */
  public Acted unblock(long id, String reason, Operator by) {
    return act(id, IncidentAction.UNBLOCKED, 0, reason, by);
  }

  /**
   * Allows the incident's network (its /24 or /48) for {@code hours}: while the allowance lasts no
   * address in it is blocked or rate-limited on lookups, and blocks in place are not enforced. The
   * network is recognised by the incident's network day tag, so the allowance ends at the latest
   * when retention destroys that day's keys, which may be sooner than asked; the answer says when.
   *
   * @throws ProblemException {@code validation-failed} without a reason or for hours outside 1 to
   *     {@link #maxAllowHours()}; {@code not-found}, also when the day's keys are gone
   */
  public Acted allow(long id, int hours, String reason, Operator by) {
    if (hours < MIN_ALLOW_HOURS || hours > maxAllowHours) {
      throw ProblemException.validation(
          "hours must be a whole number from " + MIN_ALLOW_HOURS + " to " + maxAllowHours);
    }
    return act(id, IncidentAction.ALLOWED, hours, reason, by);
  }

  /**
   * Marks an incident's block as a mistake: lifted if it still runs, and no longer counted as an
   * offence when a later block's length is weighed.
   *
   * @throws ProblemException {@code validation-failed} without a reason; {@code not-found}; {@code
   *     conflict} when it was marked already
   */
  public Acted markFalsePositive(long id, String reason, Operator by) {
    return act(id, IncidentAction.FALSE_POSITIVE, 0, reason, by);
  }

  private Acted act(long id, IncidentAction kind, int hours, String reason, Operator by) {
    if (by == null || !by.has(Role.SECURITY)) {
      throw new ProblemException(
          ProblemType.FORBIDDEN, "acting on an incident needs the security role");
    }
    String why = reason(reason, "for this action");
    long now = clock.millis();
    IncidentStore.Action action =
        database.inTransaction(
            c -> {
              IncidentStore.Row row =
                  store
                      .find(c, id, database.dialect().forUpdate())
                      .orElseThrow(() -> ProblemException.notFound("No incident " + id + "."));
              List<IncidentStore.Action> earlier = store.actionsOf(c, id);
              Long until = check(row, earlier, kind, hours, now);
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("reason", why);
              details.put("rule", row.rule());
              details.put("scope", row.scope().name());
              details.put("day", row.day().toString());
              if (until != null) {
                details.put("hoursAsked", hours);
                details.put("allowedUntil", Instant.ofEpochMilli(until).toString());
              }
              long seq =
                  audit.append(c, by.name(), kind.auditAction(), "incident:" + id, details).seq();
              IncidentStore.Action taken =
                  new IncidentStore.Action(
                      0,
                      id,
                      kind,
                      by.name(),
                      why,
                      now,
                      until,
                      seq,
                      row.day(),
                      row.scope(),
                      row.prefixTag());
              return taken.withId(store.insertAction(c, taken));
            });
    blocks.apply(action);
    audit.checkpointWhenPossible();
    Instant allowedUntil =
        action.allowedUntil() == null ? null : Instant.ofEpochMilli(action.allowedUntil());
    return new Acted(id, kind, allowedUntil, action.auditSeq());
  }

  /** Whether {@code kind} may be taken now; for an allowance, when it ends. */
  private Long check(
      IncidentStore.Row row,
      List<IncidentStore.Action> earlier,
      IncidentAction kind,
      int hours,
      long now) {
    String incident = "Incident " + row.id();
    Optional<IncidentStore.Action> lifted =
        earlier.stream().filter(a -> a.kind().lifts()).findFirst();
    switch (kind) {
      case UNBLOCKED -> {
        if (lifted.isPresent()) {
          throw conflict(incident + "'s block was lifted already, " + by(lifted.get()) + ".");
        }
        if (row.blockedUntil() <= now) {
          throw conflict(
              incident
                  + "'s block ended at "
                  + Instant.ofEpochMilli(row.blockedUntil())
                  + "; there is nothing to lift.");
        }
        return null;
      }
      case FALSE_POSITIVE -> {
        Optional<IncidentStore.Action> marked =
            earlier.stream().filter(a -> a.kind() == IncidentAction.FALSE_POSITIVE).findFirst();
        if (marked.isPresent()) {
          throw conflict(
              incident + " was marked a false positive already, " + by(marked.get()) + ".");
        }
        return null;
      }
      case ALLOWED -> {
        if (keys.existing(row.day()).isEmpty()) {
          throw ProblemException.notFound(
              destroyed(row.day(), "its network can no longer be recognised, nor allowed"));
        }
        long asked = now + TimeUnit.HOURS.toMillis(hours);
        long keysGone =
            KeyStore.destroyedOn(row.day(), retentionDays)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
        long until = Math.min(asked, keysGone);
        if (until <= now) {
          throw conflict(
              destroyed(row.day(), "its network can no longer be recognised, nor allowed"));
        }
        return until;
      }
    }
    throw new IllegalStateException("unknown action " + kind);
  }

  private static String by(IncidentStore.Action action) {
    return "by " + action.operator() + " at " + Instant.ofEpochMilli(action.at());
  }

  private static ProblemException conflict(String detail) {
    return new ProblemException(ProblemType.CONFLICT, detail);
  }

  private static String reason(String reason, String what) {
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty()) {
      throw ProblemException.validation("a reason is required " + what);
    }
    if (why.length() > MAX_REASON) {
      throw ProblemException.validation("reason must be at most " + MAX_REASON + " characters");
    }
    return why;
  }

  /**
   * Why nothing more can be done with an incident of {@code day}: what {@code consequence} says.
   */
  private String destroyed(LocalDate day, String consequence) {
    return "The data behind this incident was destroyed on "
        + KeyStore.destroyedOn(day, retentionDays)
        + " under the "
        + retentionDays
        + "-day retention policy; "
        + consequence
        + ".";
  }
}
