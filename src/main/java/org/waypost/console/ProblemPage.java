package org.waypost.console;

import org.waypost.error.ProblemType;

/**
 * A refusal or failure as a console page: always a page on these routes, never problem+json, since
 * only browsers use them. {@code back} is where to go from here.
 */
public record ProblemPage(
    ConsolePage console, ProblemType type, String detail, String back, String backText) {}
