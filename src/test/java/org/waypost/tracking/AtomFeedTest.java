package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.waypost.testing.Fixtures;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer.Response;

/** {@code /track/{number}/feed.atom}: a piece's scans for feed readers, limited as lookups are. */
class AtomFeedTest {
  @TempDir Path dir;

  private static Document xml(String body) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theFeedListsThePiecesScansNewestFirstAndNothingElse() throws Exception {
    try (TestApp server =
        TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), Fixtures.unlimitedLookups())) {
      List<String> numbers = Fixtures.inTransitAndDelivered(server.app());
      String number = numbers.getFirst();
      Response feed = server.get("/track/" + number + "/feed.atom");
      assertThat(feed.status()).isEqualTo(200);
      assertThat(feed.contentType()).startsWith("application/atom+xml");

      Document doc = xml(feed.body());
      Element root = doc.getDocumentElement();
      assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2005/Atom");
      assertThat(root.getLocalName()).isEqualTo("feed");
      var entries = doc.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "entry");
      assertThat(entries.getLength()).isEqualTo(2);
      Element newest = (Element) entries.item(0);
      assertThat(newest.getElementsByTagNameNS("*", "title").item(0).getTextContent())
          .isEqualTo("Arrived at facility, FAIRFAX, VA 22032");
      assertThat(newest.getElementsByTagNameNS("*", "updated").item(0).getTextContent())
          .isEqualTo("2026-11-28T14:03:00-08:00");
      assertThat(root.getElementsByTagNameNS("*", "updated").item(0).getTextContent())
          .as("the feed is as new as its newest scan")
          .isEqualTo("2026-11-28T14:03:00-08:00");

      String firstId = newest.getElementsByTagNameNS("*", "id").item(0).getTextContent();
      assertThat(server.get("/track/" + number + "/feed.atom").body())
          .as("entry ids are stable between fetches")
          .contains(firstId);
      assertThat(server.get("/track/" + numbers.get(1) + "/feed.atom").body())
          .contains("<category term=\"DELIVERED\"/>");
    }
  }

  @Test
  void anUnknownOrInvalidNumberAnswersAsTheLookupDoesAndFeedsCountAsLookups() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), Map.of())) {
      String number = Fixtures.inTransitAndDelivered(server.app()).getFirst();
      String unknown = TrackingNumber.issueImpb("055", "123456", 987_654L).value();
      Response feed = server.get("/track/" + unknown + "/feed.atom");
      Response api = server.get("/api/v1/tracking/" + unknown);
      assertThat(feed.status()).isEqualTo(404).isEqualTo(api.status());
      assertThat(feed.json().get("type").asText()).isEqualTo("/problems/not-found");
      assertThat(feed.json().get("detail")).isEqualTo(api.json().get("detail"));
      Response invalid = server.get("/track/12345/feed.atom");
      assertThat(invalid.status()).isEqualTo(400);
      assertThat(invalid.json().get("type").asText())
          .isEqualTo("/problems/invalid-tracking-number");

      int refusedAt = -1;
      for (int i = 0; i < 80 && refusedAt < 0; i++) {
        if (server.get("/track/" + number + "/feed.atom").status() == 429) {
          refusedAt = i;
        }
      }
      assertThat(refusedAt).as("feeds are charged as lookups").isBetween(1, 79);
      assertThat(server.get("/api/v1/tracking/" + number).status())
          .as("the same limit as the lookup API")
          .isEqualTo(429);
    }
  }
}
