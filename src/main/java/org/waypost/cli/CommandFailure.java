package org.waypost.cli;

/** A command that could not do its job; the message is printed as is, without a stack. */
final class CommandFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CommandFailure(String message) {
    super(message);
  }
}
