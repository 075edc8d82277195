package org.waypost.tracking.http;

import org.waypost.error.ProblemException;
import org.waypost.tracking.NumberQuery;
import org.waypost.web.Pages.Site;

/** The search form, possibly with what was typed and why it was refused. */
public record HomePage(Site site, String numbers, ProblemException error) {
  public int max() {
    return NumberQuery.MAX;
  }

  public String describedBy() {
    return error == null ? "numbers-hint" : "numbers-hint numbers-error";
  }

  /** Why the numbers were refused, in the page's language; null when they were not. */
  public String errorText() {
    return error == null ? null : site.detail(error);
  }
}
