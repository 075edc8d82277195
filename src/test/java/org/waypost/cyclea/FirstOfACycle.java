package org.waypost.cyclea;

import org.waypost.cycleb.SecondOfACycle;

/** With {@link SecondOfACycle}, a package cycle for ArchitectureTest to find. */
public final class FirstOfACycle {
  public SecondOfACycle other() {
    return new SecondOfACycle();
  }
}
