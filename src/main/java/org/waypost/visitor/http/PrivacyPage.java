package org.waypost.visitor.http;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.waypost.visitor.PolicyVersions;
import org.waypost.visitor.PrivacyPolicy;
import org.waypost.web.Pages.Site;

/**
 * The privacy policy page's model: the policy, and its history newest first (the first entry is the
 * version in force).
 */
public record PrivacyPage(Site site, PrivacyPolicy policy, List<PolicyVersions.Change> history) {
  public PrivacyPage {
    history = List.copyOf(history);
  }

  /** The day the policy in force took effect (UTC); null before any version was recorded. */
  public LocalDate effective() {
    return history.isEmpty() ? null : day(history.getFirst());
  }

  public LocalDate day(PolicyVersions.Change change) {
    return LocalDate.ofInstant(change.effectiveAt(), ZoneOffset.UTC);
  }
}
