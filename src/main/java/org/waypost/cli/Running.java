package org.waypost.cli;

import org.waypost.App;

/** Keeps a serving command alive until the process is stopped (or its thread interrupted). */
final class Running {
  private Running() {}

  static void untilStopped(App app) {
    Thread hook = new Thread(app::close, "waypost-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Runtime.getRuntime().removeShutdownHook(hook);
      app.close();
      Thread.currentThread().interrupt();
    }
  }
}
