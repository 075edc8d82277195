package org.waypost.shipper;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into the lines of a line-based format (NDJSON, CSV), numbered from 1: at
 * each LF, a CR before it dropped, a UTF-8 byte-order mark at the very start skipped. Lines are
 * handed over as bytes, so that each is decoded, and refused if it is not UTF-8, on its own. A line
 * longer than {@link #MAX_BYTES} is reported as such and skipped without being held, so a file
 * without line breaks costs no more memory than one line.
 */
final class Lines {
  static final int MAX_BYTES = 1 << 20;

  interface Sink {
    /** Line {@code number} is {@code bytes[from, to)}, which the sink may overwrite. */
    void line(byte[] bytes, int from, int to, long number);

    /** Line {@code number} was longer than {@link #MAX_BYTES}. */
    void tooLong(long number);
  }

  private Lines() {}

  static void forEach(InputStream in, Sink sink) throws IOException {
    forEach(in, MAX_BYTES, sink);
  }

  static void forEach(InputStream in, int maxBytes, Sink sink) throws IOException {
    byte[] buffer = new byte[Math.min(64 * 1024, maxBytes + 2)];
    int start = 0; // of the current line
    int end = 0; // of the bytes read
    int searched = 0; // no LF in [start, searched)
    long number = 1;
    boolean overLong = false;
    while (true) {
      int lf = indexOfLf(buffer, searched, end);
      if (lf >= 0) {
        emit(buffer, start, lf, number++, overLong, maxBytes, sink);
        overLong = false;
        start = lf + 1;
        searched = start;
        continue;
      }
      searched = end;
      if (end - start > maxBytes + 1) { // room for a CR
        overLong = true;
        start = end;
      }
      if (start > 0) {
        System.arraycopy(buffer, start, buffer, 0, end - start);
        end -= start;
        searched -= start;
        start = 0;
      }
      if (end == buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, maxBytes + 2));
      }
      int n = in.read(buffer, end, buffer.length - end);
      if (n < 0) {
        if (end > start || overLong) {
          emit(buffer, start, end, number, overLong, maxBytes, sink);
        }
        return;
      }
      end += n;
    }
  }

  private static void emit(
      byte[] buffer, int from, int to, long number, boolean overLong, int maxBytes, Sink sink) {
    if (to > from && buffer[to - 1] == '\r') {
      to--;
    }
    if (number == 1
        && to - from >= 3
        && buffer[from] == (byte) 0xEF
        && buffer[from + 1] == (byte) 0xBB
        && buffer[from + 2] == (byte) 0xBF) {
      from += 3;
    }
    if (overLong || to - from > maxBytes) {
      sink.tooLong(number);
    } else {
      sink.line(buffer, from, to, number);
    }
  }

  private static int indexOfLf(byte[] buffer, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code bytes[from, to)} holds nothing but spaces and tabs. */
  static boolean isBlank(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != ' ' && bytes[i] != '\t') {
        return false;
      }
    }
    return true;
  }
}
