package org.waypost.keys;

/**
 * Keyed hashing for pseudonyms: the same input gives the same 16-byte tag for as long as the key
 * lives, and nothing can be learned from a tag without the key.
 */
public interface Tagger {
  /**
   * A 16-byte tag of {@code input} in {@code domain} (e.g. "client", "prefix", "number"), so equal
   * inputs in different domains give unrelated tags.
   */
  byte[] tag(String domain, byte[] input);
}
