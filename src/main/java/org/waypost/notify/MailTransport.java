package org.waypost.notify;

import jakarta.mail.MessagingException;

/**
 * Where {@link MailSender} hands a mail: an SMTP server ({@link SmtpTransport}), or the demo's
 * outbox page ({@link DemoOutbox}). A mail counts as sent once this returns.
 */
public interface MailTransport {
  void send(String to, MailText text) throws MessagingException;
}
