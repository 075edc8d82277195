package org.waypost.tracking.http;

import org.waypost.tracking.NumberQuery;
import org.waypost.web.Pages.Site;

/** The search form, possibly with what was typed and why it was refused. */
public record HomePage(Site site, String numbers, String error) {
  public int max() {
    return NumberQuery.MAX;
  }

  public String describedBy() {
    return error == null ? "numbers-hint" : "numbers-hint numbers-error";
  }
}
