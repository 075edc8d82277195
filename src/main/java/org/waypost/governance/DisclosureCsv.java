package org.waypost.governance;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.waypost.csv.Csv;
import org.waypost.governance.LegalRequests.Disclosure;
import org.waypost.governance.LegalRequests.LegalRequest;

/**
 * A disclosure as the one CSV file handed over: one line per record found, one per confirmed email
 * subscription when legal requests reach them, one per day whose data retention had already
 * destroyed, each line naming the request and its case so that a page torn from a printout still
 * says where it belongs. The same disclosure always gives the same bytes; their SHA-256 goes into
 * the audit log.
 */
final class DisclosureCsv {
  static final List<String> COLUMNS =
      List.of(
          "legalRequest",
          "caseReference",
          "trackingNumber",
          "day",
          "time",
          "ip",
          "browser",
          "statement");

  private DisclosureCsv() {}

  static String of(
      LegalRequest request,
      List<Disclosure.Record> records,
      List<Disclosure.DestroyedDay> destroyed,
      List<Disclosure.Subscriber> subscribers) {
    Csv csv = new Csv().row(COLUMNS);
    String id = Long.toString(request.id());
    for (Disclosure.Record record : records) {
      csv.row(
          id,
          request.caseReference(),
          record.trackingNumber(),
          record.day().toString(),
          record.time().toString(),
          record.ip(),
          record.browserFamily(),
          "");
    }
    for (Disclosure.Subscriber subscriber : subscribers) {
      csv.row(
          id,
          request.caseReference(),
          subscriber.trackingNumber(),
          subscriber.confirmedAt().atZone(java.time.ZoneOffset.UTC).toLocalDate().toString(),
          subscriber.confirmedAt().toString(),
          "",
          "",
          "Confirmed email subscription to updates on this number: " + subscriber.email());
    }
    for (Disclosure.DestroyedDay day : destroyed) {
      csv.row(id, request.caseReference(), "", day.day().toString(), "", "", "", day.statement());
    }
    if (records.isEmpty() && destroyed.isEmpty() && subscribers.isEmpty()) {
      csv.row(
          id,
          request.caseReference(),
          "",
          "",
          "",
          "",
          "",
          "No lookup of these numbers on these days is in the security log.");
    }
    return csv.text();
  }

  /** The lowercase hex SHA-256 of {@code text} in UTF-8. */
  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
