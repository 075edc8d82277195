package org.waypost.error;

import java.util.List;
import java.util.Objects;

/**
 * A problem's detail as the public pages say it: a key of their message bundles and the values to
 * fill in, so that a page can word the problem in the reader's language while domain code stays
 * free of languages and the JSON API keeps its English {@code detail}. An argument may itself be a
 * phrase ("try again in {0}" with "5 minutes"), worded first.
 *
 * @param key the key under {@code problem.detail.} in the bundles
 */
public record Phrase(String key, List<Object> arguments) {
  public Phrase {
    Objects.requireNonNull(key, "key");
    arguments = List.copyOf(arguments);
  }

  public static Phrase of(String key, Object... arguments) {
    return new Phrase(key, List.of(arguments));
  }
}
