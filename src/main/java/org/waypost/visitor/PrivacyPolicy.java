package org.waypost.visitor;

import java.util.ArrayList;
import java.util.List;
import org.waypost.config.WaypostConfig;

/**
 * The privacy policy as facts derived from the running configuration, so the page cannot say
 * something the code does not do. Each entry names a kind of data, why it is kept, in what form,
 * for how long, and who can see it.
 */
public record PrivacyPolicy(
    int securityLogDays, boolean honorsPrivacySignals, int minCount, List<Entry> entries) {

  /** One row of the "what we keep" table. */
  public record Entry(String what, String why, String form, String howLong, String whoCanSee) {}

  public static PrivacyPolicy from(WaypostConfig config, boolean countriesConfigured) {
    int days = config.privacy().securityLogRetentionDays();
    String dayWord = days == 1 ? "1 day" : days + " days";
    List<Entry> entries = new ArrayList<>();
    entries.add(
        new Entry(
            "Your IP address, for rate limits and abuse detection",
            "To stop scraping and number guessing without profiling anyone",
            "A keyed hash under a key that exists only in the server's memory and changes every"
                + " hour",
            "Minutes, at most two hours",
            "Nobody: it is never written down"));
    entries.add(
        new Entry(
            "Your IP address, in the security log",
            "To investigate abuse and answer lawful requests",
            "Encrypted (AES-256-GCM) under a key for that day; identified only by keyed hashes of"
                + " the address and its network (/24 or /48)",
            dayWord
                + ". Then the rows are deleted and the day's keys destroyed, so nothing from"
                + " that day can be decrypted or linked again, even from a backup",
            "Only through audited actions: a security operator revealing the address behind an"
                + " abuse incident, with a stated reason, or a legal request approved by a second"
                + " operator"));
    entries.add(
        new Entry(
            "The tracking numbers you look up",
            "So that an approved legal request about a number can be answered while the data"
                + " exists, and not after",
            "Keyed hashes under that day's key, never the numbers themselves",
            dayWord + ", then unlinkable forever (the key is destroyed)",
            "Only through an approved, audited legal request"));
    entries.add(
        new Entry(
            "Request details: time, page or API, response status, browser family and major"
                + " version, device type, whether it looked like a bot",
            "Security log and traffic statistics",
            "As listed; no full user-agent string, no cookies, no fingerprint",
            dayWord + " in the security log; kept as counts in the statistics",
            "Nobody browses the security log: it is reached only through the audited actions above."
                + " Administrators see the statistics"));
    entries.add(
        new Entry(
            "Traffic statistics",
            "To run and size the service",
            "Counts per hour and day: requests, lookups and outcomes, unique visitors, browser,"
                + " operating system, device type, referring site, bot share"
                + (countriesConfigured ? ", country" : "")
                + ". Counts below "
                + config.privacy().analyticsMinCount()
                + " are hidden. Unique visitors are counted with a key destroyed when the day ends",
            "Kept",
            "Administrators"));
    entries.add(
        new Entry(
            "Web server logs",
            "To operate the service",
            "One line per request with the route, status and time; you appear only as a"
                + " pseudonym that changes every hour. No IP address, no tracking number",
            "As long as the operator keeps logs",
            "Operators"));
    entries.add(
        new Entry(
            "Shipment data (origin and destination city, scans)",
            "To show tracking to anyone holding the number",
            "No names, street addresses or signatures are ever stored or shown",
            config.tracking().shipmentRetentionDays() + " days after delivery",
            "Anyone holding the tracking number"));
    return new PrivacyPolicy(
        days,
        config.privacy().honorGpc(),
        config.privacy().analyticsMinCount(),
        List.copyOf(entries));
  }
}
