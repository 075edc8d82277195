package org.waypost.abuse;

import java.nio.ByteBuffer;

/**
 * A 16-byte tag as a map key: two longs, so a million of them cost 32 MB rather than a million byte
 * arrays and their headers.
 */
record Pseudonym(long high, long low) {
  static Pseudonym of(byte[] tag) {
    ByteBuffer buffer = ByteBuffer.wrap(tag);
    return new Pseudonym(buffer.getLong(), buffer.getLong());
  }
}
