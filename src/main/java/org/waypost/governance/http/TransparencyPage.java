package org.waypost.governance.http;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.waypost.governance.Transparency;
import org.waypost.web.Pages.Site;

/** The transparency report page's model. */
public record TransparencyPage(Site site, Transparency.Report report) {
  /** The UTC day of {@code instant}, as the page shows days. */
  public String day(Instant instant) {
    return LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
  }
}
