package org.waypost.tracking;

/**
 * Where a piece stands, and the rule for how a newer scan moves it. The projection folds scans in
 * event-time order through {@link #after(EventType)}.
 *
 * <p>The rules, beyond "the latest scan decides":
 *
 * <ul>
 *   <li>A label-created event never moves a piece back to {@code PRE_TRANSIT} once the network has
 *       scanned it: a label printed again later is not news about the piece.
 *   <li>Once {@code DELIVERED}, only {@code DELIVERED} (a correction), {@code RETURN_TO_SENDER} and
 *       {@code ALERT} change the status. Any other later scan stays in the history but does not
 *       un-deliver the piece; a delivered piece that goes back into the network does so as a
 *       return, which the network signals with {@code RETURN_TO_SENDER}.
 * </ul>
 */
public enum TrackingStatus {
  PRE_TRANSIT("Label created"),
  IN_TRANSIT("In transit"),
  OUT_FOR_DELIVERY("Out for delivery"),
  DELIVERY_ATTEMPTED("Delivery attempted"),
  AVAILABLE_FOR_PICKUP("Available for pickup"),
  DELIVERED("Delivered"),
  RETURN_TO_SENDER("Returned to sender"),
  ALERT("Alert");

  private final String displayName;

  TrackingStatus(String displayName) {
    this.displayName = displayName;
  }

  public String displayName() {
    return displayName;
  }

  /** Whether a later event of {@code type} may set the status of a piece in this status. */
  public boolean accepts(EventType type) {
    return switch (this) {
      case PRE_TRANSIT -> true;
      case DELIVERED ->
          type == EventType.DELIVERED
              || type == EventType.RETURN_TO_SENDER
              || type == EventType.ALERT;
      default -> type != EventType.LABEL_CREATED;
    };
  }
}
