package org.waypost.catalog;

/**
 * The mail classes Waypost issues numbers for. Domestic pieces get an IMpb with the service's
 * service type code; international pieces get a UPU S10 number with its service indicator.
 */
public enum Service {
  PRIORITY_EXPRESS("Priority Mail Express", "701", 1),
  PRIORITY("Priority Mail", "055", 2),
  GROUND_ADVANTAGE("Ground Advantage", "001", 4),
  FIRST_CLASS("First-Class Mail", "021", 3),
  INTERNATIONAL("International", null, 10);

  /** The S10 service indicator used for international pieces (C = parcels). */
  public static final String S10_SERVICE_INDICATOR = "CP";

  private final String displayName;
  private final String serviceTypeCode;
  private final int defaultStandardDays;

  Service(String displayName, String serviceTypeCode, int defaultStandardDays) {
    this.displayName = displayName;
    this.serviceTypeCode = serviceTypeCode;
    this.defaultStandardDays = defaultStandardDays;
  }

  public String displayName() {
    return displayName;
  }

  /** The 3-digit IMpb service type code; null for {@link #INTERNATIONAL}. */
  public String serviceTypeCode() {
    return serviceTypeCode;
  }

  public boolean international() {
    return this == INTERNATIONAL;
  }

  public int defaultStandardDays() {
    return defaultStandardDays;
  }
}
