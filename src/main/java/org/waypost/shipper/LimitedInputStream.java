package org.waypost.shipper;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/** Refuses a request body once it grows past the limit, however it was framed. */
public final class LimitedInputStream extends FilterInputStream {
  private final long limit;
  private long read;

  public LimitedInputStream(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  private void count(long n) {
    read += n;
    if (read > limit) {
      throw tooLarge(limit);
    }
  }

  public static ProblemException tooLarge(long limit) {
    return new ProblemException(
        ProblemType.PAYLOAD_TOO_LARGE, "the request body may be at most " + limit + " bytes");
  }
}
