package org.waypost.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.waypost.error.ProblemType;

/**
 * Renders the server-side pages. Templates are jte files under {@code src/main/jte}, compiled to
 * Java at build time: typed parameters, and every {@code ${...}} escaped for its HTML context. Each
 * page is rendered in the request's {@link Language}, with the words of {@link Text}.
 */
public final class Pages {
  /** A link to this very page in another language, for the language switch. */
  public record LanguageLink(Language language, String href, boolean current) {}

  /**
   * What every page's frame needs: the operator's name, the request's language and its words, and
   * the same page in each language.
   */
  public record Site(
      String operatorName, Text text, List<LanguageLink> languages, boolean languageChosen) {
    public Site {
      languages = List.copyOf(languages);
    }

    /**
     * What links to other pages add so that the reader stays in the language they chose with the
     * switch ({@code ?lang=es}); nothing when the browser's preference chose it, which every page
     * honours anyway.
     */
    public String langQuery() {
      return languageChosen ? "?lang=" + lang() : "";
    }

    /** The language code for {@code <html lang>}. */
    public String lang() {
      return text.language().code();
    }

    /** The text of {@code key} in the page's language. */
    public String t(String key) {
      return text.get(key);
    }

    /** The text of {@code key} with its placeholders filled in. */
    public String t(String key, Object... arguments) {
      return text.get(key, arguments);
    }
  }

  public record ErrorPage(Site site, ProblemType type, String detail) {}

  private final TemplateEngine engine;
  private final String operatorName;

  public Pages(String operatorName) {
    this.operatorName = operatorName;
    this.engine =
        TemplateEngine.createPrecompiled(
            null, ContentType.Html, Pages.class.getClassLoader(), "org.waypost.templates");
  }

  /** The frame of a page answering this request, in the request's language. */
  public Site site(Context ctx) {
    Exchange exchange = Exchange.of(ctx);
    Language language = exchange == null ? Language.EN : exchange.language();
    return site(language, ctx.path(), ctx.queryParamMap());
  }

  /** The frame of a page that is only in English and offers no switch (the operator console). */
  public Site englishOnly() {
    return new Site(operatorName, Text.of(Language.EN), List.of(), false);
  }

  /** The frame of a page in {@code language}, whose own address is {@code path}. */
  public Site site(Language language, String path, Map<String, List<String>> query) {
    List<LanguageLink> links = new ArrayList<>(Language.values().length);
    for (Language other : Language.values()) {
      links.add(new LanguageLink(other, href(path, query, other), other == language));
    }
    return new Site(
        operatorName, Text.of(language), links, Language.of(first(query.get("lang"))) != null);
  }

  private static String first(List<String> values) {
    return values == null || values.isEmpty() ? null : values.getFirst();
  }

  /** {@code path} with its query, {@code lang} set to {@code language}. */
  private static String href(String path, Map<String, List<String>> query, Language language) {
    StringBuilder href = new StringBuilder(path).append('?');
    for (var parameter : query.entrySet()) {
      if (parameter.getKey().equals("lang")) {
        continue;
      }
      for (String value : parameter.getValue()) {
        href.append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8))
            .append('&');
      }
    }
    return href.append("lang=").append(language.code()).toString();
  }

  public String render(String template, Object model) {
    StringOutput output = new StringOutput(8192);
    engine.render(template, model, output);
    return output.toString();
  }
}
