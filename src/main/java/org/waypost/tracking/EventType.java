package org.waypost.tracking;

/** What a scan says happened to a piece, with the status it implies and a default wording. */
public enum EventType {
  LABEL_CREATED(TrackingStatus.PRE_TRANSIT, "Shipping label created, awaiting item"),
  ACCEPTED(TrackingStatus.IN_TRANSIT, "Accepted at post office"),
  PROCESSED(TrackingStatus.IN_TRANSIT, "Processed through facility"),
  DEPARTED(TrackingStatus.IN_TRANSIT, "Departed facility"),
  ARRIVED(TrackingStatus.IN_TRANSIT, "Arrived at facility"),
  IN_TRANSIT(TrackingStatus.IN_TRANSIT, "In transit to next facility"),
  OUT_FOR_DELIVERY(TrackingStatus.OUT_FOR_DELIVERY, "Out for delivery"),
  DELIVERY_ATTEMPTED(TrackingStatus.DELIVERY_ATTEMPTED, "Delivery attempted, notice left"),
  AVAILABLE_FOR_PICKUP(TrackingStatus.AVAILABLE_FOR_PICKUP, "Available for pickup"),
  DELIVERED(TrackingStatus.DELIVERED, "Delivered"),
  RETURN_TO_SENDER(TrackingStatus.RETURN_TO_SENDER, "Returned to sender"),
  ALERT(TrackingStatus.ALERT, "Alert: delivery exception");

  private final TrackingStatus status;
  private final String defaultDescription;

  EventType(TrackingStatus status, String defaultDescription) {
    this.status = status;
    this.defaultDescription = defaultDescription;
  }

  public TrackingStatus status() {
    return status;
  }

  public String defaultDescription() {
    return defaultDescription;
  }

  /** True for scans made by the network after it has the piece (acceptance starts the clock). */
  public boolean inNetwork() {
    return status != TrackingStatus.PRE_TRANSIT;
  }
}
