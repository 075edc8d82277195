package org.waypost.notify;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The demo's mail, kept in memory instead of sent, for the page {@code /demo/mail}: so that {@code
 * ./waypost demo} shows the whole flow (request, confirmation link, updates, unsubscribe) without
 * an SMTP server. Only the newest {@link #KEPT} mails are kept; nothing survives a restart. Never
 * wired outside the demo: the page shows addresses.
 */
public final class DemoOutbox implements MailTransport {
  /** Mails kept, at most; older ones are dropped. */
  public static final int KEPT = 200;

  /** One mail as it would have been sent. */
  public record Kept(Instant at, String to, MailText text) {}

  private final Clock clock;
  private final Deque<Kept> mails = new ArrayDeque<>();

  public DemoOutbox(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void send(String to, MailText text) {
    mails.addFirst(new Kept(clock.instant(), to, text));
    while (mails.size() > KEPT) {
      mails.removeLast();
    }
  }

  /** The kept mails, newest first. */
  public synchronized List<Kept> newestFirst() {
    return List.copyOf(mails);
  }
}
