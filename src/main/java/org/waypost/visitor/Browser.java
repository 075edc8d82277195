package org.waypost.visitor;

import java.util.Objects;

/**
 * What Waypost keeps of a User-Agent header: a few coarse values that are counted in aggregates.
 * The header itself is never stored, because its full text (versions, device models, extensions)
 * helps to fingerprint a visitor.
 *
 * @param family browser or client family, e.g. {@code Chrome}, {@code Mobile Safari}, {@code curl}
 * @param major the major version, digits only; empty when unknown
 * @param os the operating system family, e.g. {@code Windows}, {@code iOS}; {@code Other} when
 *     unknown
 * @param device the device class; {@link DeviceClass#BOT} exactly when {@code bot} is true
 * @param bot a crawler or a script rather than a person's browser
 */
public record Browser(String family, String major, String os, DeviceClass device, boolean bot) {
  public Browser {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(major, "major");
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(device, "device");
  }
}
