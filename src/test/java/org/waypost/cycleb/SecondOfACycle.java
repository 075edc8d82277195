package org.waypost.cycleb;

import org.waypost.cyclea.FirstOfACycle;

/** With {@link FirstOfACycle}, a package cycle for ArchitectureTest to find. */
public final class SecondOfACycle {
  public FirstOfACycle other() {
    return new FirstOfACycle();
  }
}
