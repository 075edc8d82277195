package org.waypost.visitor;

/**
 * The coarse kind of device behind a request, for aggregate statistics: fine enough to see how
 * people reach the site, too coarse to tell one of them apart (no model, no brand).
 */
public enum DeviceClass {
  DESKTOP,
  MOBILE,
  TABLET,
  /** Crawlers and scripts (curl, HTTP client libraries): a program, not a person. */
  BOT,
  OTHER
}
