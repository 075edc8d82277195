package org.waypost.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.waypost.config.SiteConfig;
import org.waypost.error.Phrase;
import org.waypost.error.ProblemException;
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
   * Who the pages speak for: the operator's name, how to reach it, its help pages and look. The
   * software's own name appears only in the footer's credit.
   *
   * @param logo whether a logo is configured (served at {@code /brand/logo})
   */
  public record Brand(String operatorName, SiteConfig config, boolean logo) {
    /** Where the reader finds answers: the operator's help pages, or the built-in one. */
    public String faqHref(Site site) {
      return config.faqUrl().isEmpty() ? "/help" + site.langQuery() : config.faqUrl();
    }

    public boolean hasContact() {
      return config.hasContact();
    }

    /** The phone number as a {@code tel:} link. */
    public String phoneHref() {
      return "tel:" + config.contactPhone().replaceAll("[^+0-9]", "");
    }
  }

  /**
   * What every page's frame needs: the operator, the request's language and its words, and the same
   * page in each language.
   */
  public record Site(Brand brand, Text text, List<LanguageLink> languages, boolean languageChosen) {
    public Site {
      languages = List.copyOf(languages);
    }

    public String operatorName() {
      return brand.operatorName();
    }

    /**
     * What links to other pages add so that the reader stays in the language they chose with the
     * switch ({@code ?lang=es}); nothing when the browser's preference chose it, which every page
     * honours anyway.
     */
    public String langQuery() {
      return languageChosen ? "?lang=" + lang() : "";
    }

    /** {@link #langQuery()} for a link that already has a query. */
    public String langParam() {
      return languageChosen ? "&lang=" + lang() : "";
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

    /** A day in full, the language's way. */
    public String date(LocalDate day) {
      return text.date(day);
    }

    /** A day, shorter ("Dec 4, 2026"). */
    public String shortDate(LocalDate day) {
      return text.shortDate(day);
    }

    /** A day without its year, for dates near today ("Friday, December 4"). */
    public String day(LocalDate day) {
      return text.day(day);
    }

    /** A time on a date in its own offset, with the offset shown. */
    public String dateTime(OffsetDateTime time) {
      return text.dateTime(time);
    }

    /** The time of day only, with its offset ("2:15 PM GMT-5"). */
    public String time(OffsetDateTime time) {
      return text.time(time);
    }

    /** A problem type's name, as a heading. */
    public String problemTitle(ProblemType type) {
      return t("problem." + type.slug() + ".title");
    }

    /**
     * A problem's detail in the page's language: its phrase worded here (the operator's name is
     * always the last argument, after the phrase's own), else the English detail on an English
     * page, else what the problem type means in general.
     */
    public String detail(ProblemType type, String english, Phrase phrase) {
      if (phrase != null) {
        return worded(phrase, true);
      }
      if (text.language() == Language.EN && english != null) {
        return english;
      }
      return t("problem." + type.slug() + ".means");
    }

    public String detail(ProblemException problem) {
      return detail(problem.type(), problem.detail(), problem.phrase());
    }

    private String worded(Phrase phrase, boolean withOperator) {
      List<Object> arguments = new ArrayList<>(phrase.arguments().size() + 1);
      for (Object argument : phrase.arguments()) {
        arguments.add(argument instanceof Phrase inner ? worded(inner, false) : argument);
      }
      if (withOperator) {
        arguments.add(operatorName());
      }
      return t("problem.detail." + phrase.key(), arguments.toArray());
    }
  }

  /**
   * An error as a page. A refused lookup (blocked, or over a limit) also tells a person how to
   * reach the operator.
   *
   * @param phrase the detail worded in the page's language; null when there is only the English
   * @param reference what the person can quote to the operator (a block's incident); null for none
   */
  public record ErrorPage(
      Site site, ProblemType type, String detail, Phrase phrase, String reference) {
    /** The detail in the page's language. */
    public String text() {
      return site.detail(type, detail, phrase);
    }

    /** Whether this refuses a client for what it asked: then the page says what can be done. */
    public boolean refused() {
      return type == ProblemType.BLOCKED || type == ProblemType.RATE_LIMITED;
    }

    public boolean blocked() {
      return type == ProblemType.BLOCKED;
    }
  }

  private final TemplateEngine engine;
  private final Brand brand;

  public Pages(String operatorName) {
    this(operatorName, SiteConfig.defaults(), false);
  }

  /**
   * @param logo whether {@code site.logoFile} is set and served
   */
  public Pages(String operatorName, SiteConfig site, boolean logo) {
    this.brand = new Brand(operatorName, site, logo);
    this.engine =
        TemplateEngine.createPrecompiled(
            null, ContentType.Html, Pages.class.getClassLoader(), "org.waypost.templates");
  }

  public Brand brand() {
    return brand;
  }

  /** The frame of a page answering this request, in the request's language. */
  public Site site(Context ctx) {
    Exchange exchange = Exchange.of(ctx);
    Language language = exchange == null ? Language.EN : exchange.language();
    return site(language, ctx.path(), ctx.queryParamMap());
  }

  /** The frame of a page that is only in English and offers no switch (the operator console). */
  public Site englishOnly() {
    return new Site(brand, Text.of(Language.EN), List.of(), false);
  }

  /** The frame of a page in {@code language}, whose own address is {@code path}. */
  public Site site(Language language, String path, Map<String, List<String>> query) {
    List<LanguageLink> links = new ArrayList<>(Language.values().length);
    for (Language other : Language.values()) {
      links.add(new LanguageLink(other, href(path, query, other), other == language));
    }
    return new Site(brand, Text.of(language), links, Language.of(first(query.get("lang"))) != null);
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

  /** A template of one parameter, rendered with {@code model}. */
  public String render(String template, Object model) {
    StringOutput output = new StringOutput(8192);
    engine.render(template, model, output);
    return output.toString();
  }

  /** A template of several parameters, rendered with them by name. */
  public String render(String template, Map<String, Object> parameters) {
    StringOutput output = new StringOutput(8192);
    engine.render(template, parameters, output);
    return output.toString();
  }
}
