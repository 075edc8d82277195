package org.waypost.tracking.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.waypost.config.SiteConfig;
import org.waypost.web.Pages.Site;

/**
 * One card per number asked, and, above them when there are several, how many are delivered, on
 * their way, in need of attention or not found, each linking to its cards.
 *
 * @param mail whether email updates are offered: then each card of a piece not yet delivered has a
 *     form asking for them
 */
public record ResultsPage(Site site, String query, List<ResultCard> cards, boolean mail) {
  /** One group of the summary, with the cards counted in it. */
  public record Count(ResultCard.Group group, List<ResultCard> cards) {
    public String key() {
      return "summary." + group.name();
    }
  }

  public ResultsPage {
    cards = List.copyOf(cards);
  }

  public SiteConfig config() {
    return site.brand().config();
  }

  /** The groups that have cards, in a fixed order. */
  public List<Count> summary() {
    Map<ResultCard.Group, List<ResultCard>> byGroup = new EnumMap<>(ResultCard.Group.class);
    for (ResultCard card : cards) {
      byGroup.computeIfAbsent(card.group(), g -> new ArrayList<>()).add(card);
    }
    List<Count> counts = new ArrayList<>();
    byGroup.forEach((group, members) -> counts.add(new Count(group, members)));
    return counts;
  }

  /**
   * The page's title: one number's status ("Delivered"), or the summary of several ("2 on the way,
   * 1 delivered").
   */
  public String title() {
    if (cards.size() == 1) {
      ResultCard card = cards.getFirst();
      return card.found()
          ? site.t("status." + card.result().status().name()) + " · " + card.number()
          : site.problemTitle(card.problemType()) + " · " + card.number();
    }
    StringBuilder title = new StringBuilder();
    for (Count count : summary()) {
      if (!title.isEmpty()) {
        title.append(site.t("summary.separator"));
      }
      title.append(site.t(count.key(), count.cards().size()));
    }
    return title.toString();
  }

  public String changeLink() {
    return "/?numbers=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + site.langParam();
  }
}
