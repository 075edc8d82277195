package org.waypost.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * A real SMTP server (GreenMail) on a port a test chooses, so that it can be stopped and started
 * again on the same port while a server keeps mailing to it; and the settings that point a server
 * at it.
 */
public final class Smtp {
  /** What links in mails start with. */
  public static final String BASE_URL = "http://tracking.example.org";

  private Smtp() {}

  /** A port nothing listens on right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GreenMail's SMTP server, started on {@code port} of 127.0.0.1. */
  public static GreenMail on(int port) {
    GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    return mail;
  }

  /** Overrides that make a server mail through {@code port}, plus {@code more} (key, value…). */
  public static Map<String, String> settings(int port, String... more) {
    Map<String, String> settings = new HashMap<>();
    settings.put("notifications.baseUrl", BASE_URL);
    settings.put("notifications.smtp.host", "127.0.0.1");
    settings.put("notifications.smtp.port", String.valueOf(port));
    for (int i = 0; i + 1 < more.length; i += 2) {
      settings.put(more[i], more[i + 1]);
    }
    return settings;
  }
}
