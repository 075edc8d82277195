package org.waypost.tracking;

/**
 * Where the public page of a number is: {@code /track/{number}}, the permalink that responses to
 * shippers carry as {@code trackingUrl}. Relative for now; absolute once a base URL is configured
 * (pass it here: this is the one place that builds the link).
 */
public final class TrackingLinks {
  private final String base;

  /**
   * @param base the site's base URL without a trailing slash, e.g. {@code https://track.example};
   *     empty for links relative to the site
   */
  public TrackingLinks(String base) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** The public page of {@code number}, a number in normal form. */
  public String page(String number) {
    return base + "/track/" + number;
  }
}
