package org.waypost.web;

import io.javalin.http.Context;
import org.waypost.error.ProblemType;

/**
 * A part of the site that answers every error under its paths as a page of its own (the operator
 * console, whose pages have their own frame), through the one problem renderer, {@link Problems}.
 */
public interface ErrorPages {
  /** Whether errors on {@code path} are this part's to render. */
  boolean covers(String path);

  /** The page for this problem; the status and headers are already set. */
  String render(Context ctx, ProblemType type, String detail);
}
