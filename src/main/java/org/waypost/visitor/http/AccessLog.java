package org.waypost.visitor.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.visitor.Handoff;
import org.waypost.web.Exchange;
import org.waypost.web.RequestHook;

/**
 * The access log: one line per request, naming the client only by the first six bytes of its hourly
 * pseudonym. Lines are handed off to one background thread that logs them in order of arrival, so a
 * request pays for an append to a lock-free queue, not for formatting, a lock and a write. When the
 * queue is full a line is dropped and counted ({@code waypost_access_log_dropped_total}), never
 * waited for.
 */
public final class AccessLog implements RequestHook, AutoCloseable {
  private static final Logger access = LoggerFactory.getLogger("waypost.access");
  private static final HexFormat HEX = HexFormat.of();
  private static final int CAPACITY = 50_000;
  private static final int BATCH = 2_000;
  private static final long IDLE_MILLIS = 50;

  private record Line(String method, String route, int status, long micros, byte[] client) {}

  private final Counter dropped;
  private final Handoff<Line> lines =
      new Handoff<>("waypost-access-log", CAPACITY, BATCH, IDLE_MILLIS, AccessLog::write);

  public AccessLog(MeterRegistry meters) {
    this.dropped =
        Counter.builder("waypost.access.log.dropped")
            .description("Access-log lines dropped because the log could not keep up")
            .register(meters);
  }

  @Override
  public void answered(Context ctx, Exchange exchange, String route, float millis) {
    if (!access.isInfoEnabled()) {
      return;
    }
    Line line =
        new Line(
            ctx.method().name(),
            route,
            ctx.statusCode(),
            (long) (millis * 1000),
            exchange.pseudonym());
    if (!lines.offer(line)) {
      dropped.increment();
    }
  }

  private static void write(List<Line> batch) {
    for (Line line : batch) {
      access.info(
          "method={} route={} status={} micros={} client={}",
          line.method(),
          line.route(),
          line.status(),
          line.micros(),
          HEX.formatHex(line.client(), 0, 6));
    }
  }

  /** Waits until every line added before this call has been logged. */
  public void flush() {
    lines.flush();
  }

  @Override
  public void close() {
    lines.close();
  }
}
