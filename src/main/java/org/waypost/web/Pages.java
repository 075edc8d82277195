package org.waypost.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import org.waypost.error.ProblemType;

/**
 * Renders the server-side pages. Templates are jte files under {@code src/main/jte}, compiled to
 * Java at build time: typed parameters, and every {@code ${...}} escaped for its HTML context.
 */
public final class Pages {
  /** What every page's frame needs. */
  public record Site(String operatorName) {}

  public record ErrorPage(Site site, ProblemType type, String detail) {}

  private final TemplateEngine engine;
  private final Site site;

  public Pages(Site site) {
    this.site = site;
    this.engine =
        TemplateEngine.createPrecompiled(
            null, ContentType.Html, Pages.class.getClassLoader(), "org.waypost.templates");
  }

  public Site site() {
    return site;
  }

  public String render(String template, Object model) {
    StringOutput output = new StringOutput(8192);
    engine.render(template, model, output);
    return output.toString();
  }
}
