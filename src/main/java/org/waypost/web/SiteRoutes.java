package org.waypost.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.waypost.error.Phrase;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.web.Pages.Site;

/**
 * The pages and files of the site itself rather than of a feature: the icon, the operator's colour
 * and logo, the API reference ({@code /docs}), a page for every problem type ({@code
 * /problems/{slug}}, the {@code type} of every error) and the help page.
 */
public final class SiteRoutes implements Routes {
  /** The problem page's model. */
  public record ProblemPage(Site site, ProblemType type) {}

  /** The API reference page's model; {@code base} is this server as the reader reached it. */
  public record DocsPage(Site site, ApiReference reference, String base) {}

  /** The help page's model. */
  public record HelpPage(Site site) {
    /** The questions answered, by key under {@code help.}. */
    public List<String> questions() {
      return List.of("when", "statuses", "late", "missed", "notFound", "lost", "other");
    }
  }

  private static final String STATIC_CACHE = "public, max-age=86400";

  private final Pages pages;
  private final ApiReference reference = ApiReference.load();
  private final byte[] favicon = OpsRoutes.resource("/static/favicon.ico");
  private final byte[] brandCss;
  private final byte[] logo;
  private final String logoType;

  /** Reads the logo file, if one is configured; a file that cannot be read stops the start. */
  public SiteRoutes(Pages pages) {
    this.pages = pages;
    var config = pages.brand().config();
    this.brandCss =
        (":root { --brand: " + config.primaryColor() + "; }\n").getBytes(StandardCharsets.UTF_8);
    if (config.logoFile().isEmpty()) {
      this.logo = null;
      this.logoType = null;
    } else {
      Path file = Path.of(config.logoFile());
      try {
        if (Files.size(file) > 512 * 1024) {
          throw new IllegalStateException("site.logoFile " + file + " is over 512 KiB");
        }
        this.logo = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new IllegalStateException("site.logoFile " + file + " cannot be read: " + e, e);
      }
      this.logoType = type(config.logoFile());
    }
  }

  private static String type(String file) {
    String name = file.toLowerCase(Locale.ROOT);
    if (name.endsWith(".svg")) {
      return "image/svg+xml";
    }
    if (name.endsWith(".png")) {
      return "image/png";
    }
    return name.endsWith(".webp") ? "image/webp" : "image/jpeg";
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/favicon.ico", ctx -> file(ctx, "image/x-icon", favicon));
    routes.get("/brand.css", ctx -> file(ctx, "text/css; charset=utf-8", brandCss));
    routes.get("/brand/logo", this::logo);
    routes.get("/docs", this::docs);
    routes.get("/problems/{slug}", this::problem);
    routes.get("/help", ctx -> ctx.html(pages.render("help.jte", new HelpPage(pages.site(ctx)))));
  }

  private static void file(Context ctx, String type, byte[] bytes) {
    ctx.header("Cache-Control", STATIC_CACHE);
    ctx.contentType(type).result(bytes);
  }

  private void logo(Context ctx) {
    if (logo == null) {
      throw new ProblemException(
          ProblemType.NOT_FOUND, "No logo is configured.", Phrase.of("address.notFound"));
    }
    file(ctx, logoType, logo);
  }

  private void docs(Context ctx) {
    Exchange exchange = Exchange.of(ctx);
    String host = exchange.host();
    String base =
        (exchange.overTls() ? "https://" : "http://") + (host == null ? "localhost" : host);
    ctx.html(pages.render("docs.jte", new DocsPage(pages.site(ctx), reference, base)));
  }

  private void problem(Context ctx) {
    ProblemType type = ProblemType.ofSlug(ctx.pathParam("slug"));
    if (type == null) {
      throw new ProblemException(
          ProblemType.NOT_FOUND, "There is no such problem type.", Phrase.of("address.notFound"));
    }
    ctx.html(pages.render("problem.jte", new ProblemPage(pages.site(ctx), type)));
  }
}
