package org.waypost.governance;

/**
 * Where a legal request stands. A request is filed {@link #PENDING}; a privacy operator who did not
 * file it makes it {@link #APPROVED} or {@link #REJECTED}; executing an approved request ends it
 * {@link #DISCLOSED} (some records were still retained) or {@link #NO_DATA}. Nothing leaves a final
 * state, so a request is executed at most once.
 */
public enum LegalStatus {
  PENDING,
  APPROVED,
  REJECTED,
  DISCLOSED,
  NO_DATA;

  /** Whether a request in this state may move to {@code next}. */
  public boolean canBecome(LegalStatus next) {
    return switch (this) {
      case PENDING -> next == APPROVED || next == REJECTED;
      case APPROVED -> next == DISCLOSED || next == NO_DATA;
      case REJECTED, DISCLOSED, NO_DATA -> false;
    };
  }
}
