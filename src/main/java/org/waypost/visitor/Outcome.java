package org.waypost.visitor;

/** What a lookup of one number found. */
public enum Outcome {
  FOUND,
  NOT_FOUND,
  INVALID
}
