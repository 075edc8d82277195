package org.waypost.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Everything logged (application and access log) while it is open, as formatted lines. */
public final class CapturedLogs implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final List<Logger> loggers;

  public CapturedLogs() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    loggers =
        List.of(context.getLogger(Logger.ROOT_LOGGER_NAME), context.getLogger("waypost.access"));
    appender.start();
    loggers.forEach(l -> l.addAppender(appender));
  }

  public List<String> lines() {
    List<ILoggingEvent> events;
    // AppenderBase.doAppend adds under the appender's own monitor, from any logging thread.
    synchronized (appender) {
      events = List.copyOf(appender.list);
    }
    return events.stream()
        .map(
            e ->
                e.getFormattedMessage()
                    + (e.getThrowableProxy() == null
                        ? ""
                        : ThrowableProxyUtil.asString(e.getThrowableProxy())))
        .toList();
  }

  @Override
  public void close() {
    loggers.forEach(l -> l.detachAppender(appender));
  }
}
