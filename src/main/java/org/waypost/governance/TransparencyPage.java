package org.waypost.governance;

import org.waypost.web.Pages.Site;

/** The transparency report page's model. */
public record TransparencyPage(Site site, Transparency.Report report) {}
