package org.waypost.visitor.http;

import org.waypost.visitor.PrivacyPolicy;
import org.waypost.web.Pages.Site;

/** The privacy policy page's model. */
public record PrivacyPage(Site site, PrivacyPolicy policy) {}
