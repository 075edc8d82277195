package org.waypost.config;

import static org.waypost.config.ConfigException.require;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the public pages say about the operator beyond its name: how to reach it, where its help
 * pages are, its logo and colour, and the facts a recipient needs to act on a status (how long a
 * piece is held for pickup, its pickup hours, where to ask for a redelivery). Empty strings mean
 * "not offered": the pages then leave that step out rather than show an empty link.
 *
 * @param contactEmail shown where a recipient needs the operator (an alert, a return, a lost piece)
 * @param contactPhone the same, as a phone number: digits, spaces, +, -, ( and )
 * @param contactUrl a contact form, https
 * @param faqUrl the operator's own help pages, https; empty: the built-in {@code /help}
 * @param logoFile a PNG, SVG, JPEG or WebP file shown in every page's header instead of the name
 * @param primaryColor the header and button colour, {@code #rrggbb}; white text on it must reach
 *     WCAG's 4.5:1 contrast, so that the operator's name stays readable
 * @param pickupHoldDays how many days a piece waits at a post office after an attempt or a pickup
 *     notice before it goes back to the sender
 * @param pickupHours the post offices' opening hours, as the operator writes them
 * @param redeliveryUrl where a recipient asks for another delivery attempt, https
 * @param controllerName who the privacy policy names as the controller of visitor data (the legal
 *     entity, e.g. "Example Post Ltd"); empty: {@code operator.name}
 */
public record SiteConfig(
    String contactEmail,
    String contactPhone,
    String contactUrl,
    String faqUrl,
    String logoFile,
    String primaryColor,
    int pickupHoldDays,
    String pickupHours,
    String redeliveryUrl,
    String controllerName) {

  private static final Pattern EMAIL =
      Pattern.compile("[^@\\s<>\"(),;:\\\\]{1,64}@[A-Za-z0-9.-]{1,185}\\.[A-Za-z]{2,}");
  private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()\\-]{3,30}");
  private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");
  private static final Pattern LOGO = Pattern.compile("(?i).+\\.(png|svg|jpe?g|webp)");

  /** WCAG 2's minimum for normal text. */
  static final double MIN_CONTRAST = 4.5;

  public SiteConfig {
    contactEmail = stripped(contactEmail);
    contactPhone = stripped(contactPhone);
    contactUrl = stripped(contactUrl);
    faqUrl = stripped(faqUrl);
    logoFile = stripped(logoFile);
    primaryColor = stripped(primaryColor).toLowerCase(Locale.ROOT);
    pickupHours = stripped(pickupHours);
    redeliveryUrl = stripped(redeliveryUrl);
    controllerName = stripped(controllerName);
    require(
        controllerName.length() <= 200 && controllerName.chars().noneMatch(Character::isISOControl),
        "site.controllerName must be at most 200 characters without control characters");
    require(
        contactEmail.isEmpty() || EMAIL.matcher(contactEmail).matches(),
        "site.contactEmail must be an e-mail address, was '" + contactEmail + "'");
    require(
        contactPhone.isEmpty() || PHONE.matcher(contactPhone).matches(),
        "site.contactPhone must be a phone number (digits, spaces, +, -, parentheses), was '"
            + contactPhone
            + "'");
    requireUrl("site.contactUrl", contactUrl);
    requireUrl("site.faqUrl", faqUrl);
    requireUrl("site.redeliveryUrl", redeliveryUrl);
    require(
        logoFile.isEmpty() || LOGO.matcher(logoFile).matches(),
        "site.logoFile must be a .png, .svg, .jpg or .webp file, was '" + logoFile + "'");
    require(
        COLOR.matcher(primaryColor).matches(),
        "site.primaryColor must be a colour as #rrggbb, was '" + primaryColor + "'");
    double contrast = contrastWithWhite(primaryColor);
    require(
        contrast >= MIN_CONTRAST,
        "site.primaryColor "
            + primaryColor
            + " is too light: white text on it has a contrast of "
            + String.format(Locale.ROOT, "%.1f", contrast)
            + ":1, and needs "
            + MIN_CONTRAST
            + ":1 (WCAG AA)");
    require(
        pickupHoldDays >= 1 && pickupHoldDays <= 60,
        "site.pickupHoldDays must be between 1 and 60, was " + pickupHoldDays);
    require(
        pickupHours.length() <= 200 && pickupHours.chars().noneMatch(Character::isISOControl),
        "site.pickupHours must be at most 200 characters on one line");
  }

  public static SiteConfig defaults() {
    return new SiteConfig("", "", "", "", "", "#133e7c", 15, "", "", "");
  }

  /** Whether any way to contact the operator is configured. */
  public boolean hasContact() {
    return !contactEmail.isEmpty() || !contactPhone.isEmpty() || !contactUrl.isEmpty();
  }

  private static String stripped(String value) {
    return value == null ? "" : value.strip();
  }

  private static void requireUrl(String key, String value) {
    require(
        value.isEmpty() || webAddress(value),
        key
            + " must be an http or https address such as https://example.org/contact, was '"
            + value
            + "'");
  }

  /** An absolute http(s) address with a host and no user name or password in it. */
  private static boolean webAddress(String text) {
    if (text.length() > 500) {
      return false;
    }
    try {
      URI uri = new URI(text);
      return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getUserInfo() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** WCAG 2's contrast ratio of white against {@code #rrggbb}. */
  static double contrastWithWhite(String color) {
    double luminance =
        0.2126 * channel(color, 1) + 0.7152 * channel(color, 3) + 0.0722 * channel(color, 5);
    return 1.05 / (luminance + 0.05);
  }

  private static double channel(String color, int at) {
    double value = Integer.parseInt(color.substring(at, at + 2), 16) / 255.0;
    return value <= 0.04045 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4);
  }
}
