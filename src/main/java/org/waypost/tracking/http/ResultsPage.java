package org.waypost.tracking.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.waypost.tracking.TrackingResult;
import org.waypost.web.Pages.Site;

/** One section per number asked: its result, or why there is none. */
public record ResultsPage(Site site, String query, List<Entry> entries) {
  public record Entry(
      int position, String number, TrackingResult result, String title, String detail) {
    public String anchor() {
      return Integer.toString(position);
    }
  }

  public String changeLink() {
    return "/?numbers=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
  }
}
