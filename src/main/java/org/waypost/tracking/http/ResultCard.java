package org.waypost.tracking.http;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.tracking.EventType;
import org.waypost.tracking.InvalidTrackingNumberException;
import org.waypost.tracking.OtherCarrier;
import org.waypost.tracking.TrackingResult;
import org.waypost.tracking.TrackingStatus;
import org.waypost.web.Pages.Site;

/**
 * One number on the results page: its result, or the problem that stands in for it, and what the
 * card shows about it — the group it is counted in at the top, the four steps of its journey, and
 * the scan a next step refers to (the attempt, the pickup notice).
 */
public record ResultCard(
    int position, String number, TrackingResult result, ProblemException problem) {

  /** How the summary at the top of a page of several numbers counts a card. */
  public enum Group {
    DELIVERED,
    MOVING,
    ATTENTION,
    NOT_FOUND
  }

  /** Where a step of the progress bar stands. */
  public enum State {
    DONE,
    CURRENT,
    TODO
  }

  /**
   * One of the four steps (label created, in transit, out for delivery, delivered).
   *
   * @param exception the status that stopped the journey at this step, if it is the current one and
   *     the journey has stopped (an attempt, a pickup notice, an alert, a return); else null
   */
  public record Step(int number, String key, State state, TrackingStatus exception) {
    /** "step" for the current step, else nothing (the attribute is then left out). */
    public String ariaCurrent() {
      return state == State.CURRENT ? "step" : null;
    }

    public String css() {
      return state.name().toLowerCase(Locale.ROOT) + (exception == null ? "" : " exception");
    }
  }

  /**
   * The banner at the top of a card: a small label, the main line in the largest type (the day
   * expected, the delivery's day and time, the last day to collect, or the status where there is no
   * date), and the scan behind it in a smaller line. No text is said twice.
   */
  public record Banner(String label, String main, String scan, String place) {}

  private static final String[] STEPS = {
    "step.labelCreated", "step.inTransit", "step.outForDelivery", "step.delivered"
  };

  public String anchor() {
    return "n-" + position;
  }

  public boolean found() {
    return result != null;
  }

  /** The CSS class of the card's status: {@code status-in_transit}, or {@code status-problem}. */
  public String statusClass() {
    return found() ? "status-" + result.status().name().toLowerCase(Locale.ROOT) : "status-problem";
  }

  public Group group() {
    if (!found()) {
      return Group.NOT_FOUND;
    }
    return switch (result.status()) {
      case DELIVERED -> Group.DELIVERED;
      case PRE_TRANSIT, IN_TRANSIT, OUT_FOR_DELIVERY -> Group.MOVING;
      default -> Group.ATTENTION;
    };
  }

  /** The problem's type; null when found. */
  public ProblemType problemType() {
    return problem == null ? null : problem.type();
  }

  /** The carriers the number may belong to, when it is another carrier's. */
  public List<OtherCarrier> carriers() {
    return problem instanceof InvalidTrackingNumberException invalid
        ? invalid.carriers()
        : List.of();
  }

  /**
   * The four steps. The journey reaches a step with a scan of it; the current step is the status's
   * own, or, for a status off the straight path, the furthest step reached, marked with that
   * status: an attempt or a pickup notice happens at "out for delivery", an alert or a return where
   * the piece was.
   */
  public List<Step> progress() {
    TrackingStatus status = result.status();
    int current =
        switch (status) {
          case PRE_TRANSIT -> 1;
          case IN_TRANSIT -> 2;
          case OUT_FOR_DELIVERY, DELIVERY_ATTEMPTED, AVAILABLE_FOR_PICKUP -> 3;
          case DELIVERED -> 4;
          case ALERT, RETURN_TO_SENDER -> reached();
        };
    boolean stopped =
        status != TrackingStatus.PRE_TRANSIT
            && status != TrackingStatus.IN_TRANSIT
            && status != TrackingStatus.OUT_FOR_DELIVERY
            && status != TrackingStatus.DELIVERED;
    List<Step> steps = new ArrayList<>(STEPS.length);
    for (int n = 1; n <= STEPS.length; n++) {
      State state =
          n < current || (n == current && status == TrackingStatus.DELIVERED)
              ? State.DONE
              : n == current ? State.CURRENT : State.TODO;
      steps.add(new Step(n, STEPS[n - 1], state, n == current && stopped ? status : null));
    }
    return steps;
  }

  /** The current step, for the sentence that says it in words. */
  public Step currentStep() {
    List<Step> steps = progress();
    for (Step step : steps) {
      if (step.state() == State.CURRENT) {
        return step;
      }
    }
    return steps.getLast();
  }

  public Banner banner(Site site) {
    TrackingStatus status = result.status();
    String name = site.t("status." + status.name());
    String scan = scanText(site);
    if (scan != null && scan.equalsIgnoreCase(name)) {
      scan = null;
    }
    TrackingResult.Event event = statusEvent();
    String place = event == null || event.location() == null ? null : event.location().display();
    LocalDate lastPickup = lastPickupDay(site.brand().config().pickupHoldDays());
    if (status == TrackingStatus.DELIVERED && result.deliveredAt() != null) {
      return new Banner(
          name,
          site.t(
              "banner.at",
              site.day(result.deliveredAt().toLocalDate()),
              site.time(result.deliveredAt())),
          scan,
          place);
    }
    if (lastPickup != null) {
      return new Banner(name, site.t("banner.pickUpBy", site.day(lastPickup)), scan, place);
    }
    if (result.expectedDelivery() != null) {
      String label = status == TrackingStatus.OUT_FOR_DELIVERY ? name : site.t("banner.expected");
      String detail = status == TrackingStatus.OUT_FOR_DELIVERY ? scan : join(name, scan, site);
      return new Banner(label, site.day(result.expectedDelivery()), detail, place);
    }
    return new Banner(site.t("banner.status"), name, scan, place);
  }

  private static String join(String first, String second, Site site) {
    return second == null ? first : first + site.t("banner.separator") + second;
  }

  /**
   * The status's scan in the page's language: in English the shipper's words (or the type's),
   * elsewhere the type's words in that language.
   */
  public String scanText(Site site) {
    if (site.lang().equals("en")) {
      return result.statusText();
    }
    return site.t(
        eventKey(result.statusType() == null ? EventType.LABEL_CREATED : result.statusType()));
  }

  /** A history line's words in the page's language (the shipper's own in English). */
  public static String eventText(Site site, TrackingResult.Event event) {
    return site.lang().equals("en") ? event.description() : site.t(eventKey(event.type()));
  }

  /** The shipper's own words for a history line, shown beside the translation; null when none. */
  public static String eventNote(Site site, TrackingResult.Event event) {
    return !site.lang().equals("en") && event.describedByShipper() ? event.description() : null;
  }

  /** The furthest of the four steps any scan reached: at least the label. */
  private int reached() {
    int furthest = 1;
    for (TrackingResult.Event event : result.events()) {
      int step =
          switch (event.type().status()) {
            case IN_TRANSIT -> 2;
            case OUT_FOR_DELIVERY, DELIVERY_ATTEMPTED, AVAILABLE_FOR_PICKUP -> 3;
            case DELIVERED -> 4;
            default -> 1;
          };
      furthest = Math.max(furthest, step);
    }
    return furthest;
  }

  /** The newest scan that set the status (the attempt, the pickup notice, the alert); or null. */
  public TrackingResult.Event statusEvent() {
    if (result.statusType() == null) {
      return null;
    }
    for (TrackingResult.Event event : result.events()) {
      if (event.type() == result.statusType()) {
        return event;
      }
    }
    return null;
  }

  /** When the status was set; null before any scan. */
  public OffsetDateTime statusTime() {
    TrackingResult.Event event = statusEvent();
    return event == null ? null : event.time();
  }

  /**
   * The last day a piece waiting after an attempt or a pickup notice can be collected: the day of
   * that scan plus the hold period; null in any other status.
   */
  public LocalDate lastPickupDay(int holdDays) {
    TrackingStatus status = result.status();
    OffsetDateTime since = statusTime();
    if (since == null
        || (status != TrackingStatus.DELIVERY_ATTEMPTED
            && status != TrackingStatus.AVAILABLE_FOR_PICKUP)) {
      return null;
    }
    return since.toLocalDate().plusDays(holdDays);
  }

  /** The type of the event, for templates that cannot name the enum. */
  public static String eventKey(EventType type) {
    return "event." + type.name();
  }
}
