package org.waypost.notify;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Clock;
import java.util.Properties;
import org.waypost.config.NotificationsConfig;

/**
 * Mail through the SMTP server of {@code notifications.smtp}, with Jakarta Mail (Eclipse Angus): 10
 * s timeouts, STARTTLS required when {@code startTls}; plain text plus simple HTML, and the RFC
 * 8058 one-click unsubscribe headers.
 */
public final class SmtpTransport implements MailTransport {
  private static final int TIMEOUT_MILLIS = 10_000;

  private final NotificationsConfig.SmtpConfig smtp;
  private final Clock clock;
  private final Session session;

  public SmtpTransport(NotificationsConfig.SmtpConfig smtp, Clock clock) {
    this.smtp = smtp;
    this.clock = clock;
    Properties props = new Properties();
    props.put("mail.smtp.host", smtp.host());
    props.put("mail.smtp.port", String.valueOf(smtp.port()));
    props.put("mail.smtp.connectiontimeout", String.valueOf(TIMEOUT_MILLIS));
    props.put("mail.smtp.timeout", String.valueOf(TIMEOUT_MILLIS));
    props.put("mail.smtp.writetimeout", String.valueOf(TIMEOUT_MILLIS));
    props.put("mail.smtp.auth", String.valueOf(!smtp.username().isEmpty()));
    props.put("mail.smtp.starttls.enable", String.valueOf(smtp.startTls()));
    props.put("mail.smtp.starttls.required", String.valueOf(smtp.startTls()));
    this.session = Session.getInstance(props);
  }

  @Override
  public void send(String to, MailText text) throws MessagingException {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress(smtp.from()));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
    message.setSubject(text.subject(), "UTF-8");
    message.setSentDate(new java.util.Date(clock.millis()));
    // RFC 8058: a mail client offers one-click unsubscribe by POSTing to this URL
    message.setHeader("List-Unsubscribe", "<" + text.unsubscribeUrl() + ">");
    message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    MimeBodyPart plain = new MimeBodyPart();
    plain.setText(text.plain(), "UTF-8");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(text.html(), "UTF-8", "html");
    message.setContent(new MimeMultipart("alternative", plain, html));
    if (smtp.username().isEmpty()) {
      Transport.send(message);
    } else {
      Transport.send(message, smtp.username(), smtp.password());
    }
  }
}
