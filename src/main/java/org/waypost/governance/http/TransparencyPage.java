package org.waypost.governance.http;

import org.waypost.governance.Transparency;
import org.waypost.web.Pages.Site;

/** The transparency report page's model. */
public record TransparencyPage(Site site, Transparency.Report report) {}
