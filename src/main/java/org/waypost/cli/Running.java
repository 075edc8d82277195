package org.waypost.cli;

import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.App;

/**
 * Keeps a serving command alive until the process is told to stop, then stops it in order.
 *
 * <p>SIGTERM (what systemd, Kubernetes and {@code docker stop} send) is taken over with a signal
 * handler that wakes the serving thread, which stops the server in order ({@link App#close()}:
 * readiness fails at once, requests in flight drain, captured visits are written) and returns: the
 * command ends normally and the process exits 0. Left to the JVM, SIGTERM runs the shutdown hooks
 * and exits 143, which supervisors report as a failure; halting with status 0 at the end of a
 * shutdown hook would turn every way of stopping into a success and cut other hooks short. Any
 * other way the JVM stops (Ctrl+C, {@code System.exit}) still closes the server through a shutdown
 * hook, and interrupting the serving thread (as tests do) stops it too.
 *
 * <p>The handler is {@code sun.misc.Signal}, reached by reflection: it is the JDK's supported way
 * to handle a signal (module jdk.unsupported, exported to everyone), but javac warns about every
 * mention of it whatever {@code @SuppressWarnings} says, and the build treats warnings as errors.
 */
final class Running {
  private static final Logger log = LoggerFactory.getLogger(Running.class);

  private Running() {}

  static void untilStopped(App app) {
    CountDownLatch terminated = new CountDownLatch(1);
    TermHandler term = TermHandler.install(terminated::countDown);
    Thread hook = new Thread(app::close, "waypost-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean interrupted = false;
    try {
      terminated.await();
      log.info("SIGTERM received: stopping in order");
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      term.restore();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down, and the hook is closing the server
      }
      // closed before the interrupt is set again: with it set, the server's and the jobs' waits
      // end at once and their threads outlive close() (a retention run then still writes keys)
      app.close();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** SIGTERM routed to a task, and how to give the signal back to whoever had it before. */
  private record TermHandler(Object signal, Object previous) {
    static TermHandler install(Runnable onTerm) {
      try {
        Class<?> signalClass = Class.forName("sun.misc.Signal");
        Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
        Object term = signalClass.getConstructor(String.class).newInstance("TERM");
        Object handler =
            Proxy.newProxyInstance(
                handlerClass.getClassLoader(),
                new Class<?>[] {handlerClass},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "handle" -> {
                        onTerm.run();
                        yield null;
                      }
                      case "equals" -> proxy == args[0];
                      case "hashCode" -> System.identityHashCode(proxy);
                      default -> "Waypost's SIGTERM handler";
                    });
        Object previous =
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, term, handler);
        return new TermHandler(term, previous);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // e.g. under -Xrs, where the JVM keeps the signal to itself
        log.warn(
            "cannot handle SIGTERM ({}): it stops the server through the shutdown hook, exit 143",
            e.getClass().getSimpleName());
        return new TermHandler(null, null);
      }
    }

    void restore() {
      if (signal == null) {
        return;
      }
      try {
        Class<?> signalClass = signal.getClass();
        Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
        signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, previous);
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.warn("cannot give SIGTERM back: {}", e.getClass().getSimpleName());
      }
    }
  }
}
