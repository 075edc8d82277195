package org.waypost.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code waypost} command in-process and keeps what it printed. */
record Cli(int exitCode, String out, String err) {
  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = WaypostCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(code, out.toString(), err.toString());
  }

  String lastLine() {
    String[] lines = out.strip().split("\n");
    return lines[lines.length - 1].strip();
  }
}
