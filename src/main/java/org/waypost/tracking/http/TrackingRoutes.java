package org.waypost.tracking.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.waypost.error.Phrase;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.json.Json;
import org.waypost.tracking.InvalidTrackingNumberException;
import org.waypost.tracking.NumberQuery;
import org.waypost.tracking.Tracker;
import org.waypost.tracking.TrackingNumber;
import org.waypost.web.Exchange;
import org.waypost.web.Exchange.Outcome;
import org.waypost.web.Gate;
import org.waypost.web.Language;
import org.waypost.web.Pages;
import org.waypost.web.Problems;
import org.waypost.web.Responses;
import org.waypost.web.Routes;

/**
 * The public face: the tracking JSON API, the search form, the results page and its permalink for
 * one number ({@code /track/{number}}, the {@code trackingUrl} shippers are given). Every route
 * that looks numbers up charges them to the client at the {@link Gate} before it looks: one for a
 * number in the path, the count of the parsed query (or one, when it cannot be parsed) for a list.
 *
 * <p>The API reads a list as the contract says ({@link NumberQuery#parse}); the pages read what a
 * person typed or pasted ({@link NumberQuery#read}).
 */
public final class TrackingRoutes implements Routes {
  private static final byte[] RESULTS_OPEN = "{\"results\":[".getBytes();
  private static final byte[] RESULTS_CLOSE = "]}".getBytes();

  /** Shared: a problem carries no stack trace and no state of the request. */
  private static final ProblemException NOT_FOUND =
      new ProblemException(
          ProblemType.NOT_FOUND,
          "No package is registered under this tracking number. Check the number, or try again"
              + " later if it was sent recently.",
          Phrase.of("number.notFound"));

  private final Tracker tracker;
  private final Pages pages;
  private final Gate gate;
  private final boolean mail;

  /**
   * @param mail whether email updates are offered (the results page then has a form on each card)
   */
  public TrackingRoutes(Tracker tracker, Pages pages, Gate gate, boolean mail) {
    this.tracker = tracker;
    this.pages = pages;
    this.gate = gate;
    this.mail = mail;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/api/v1/tracking/{number}", this::one);
    routes.get("/api/v1/tracking", this::many);
    routes.get("/", this::home);
    routes.get("/track", this::results);
    routes.get("/track/{number}", this::permalink);
    routes.get("/track/{number}/feed.atom", this::feed);
  }

  /**
   * The piece's scans as Atom: charged as one lookup, and answering an unknown or invalid number
   * exactly as the lookup API does.
   */
  private void feed(Context ctx) {
    Tracker.Lookup lookup = lookupOne(Exchange.of(ctx), ctx.pathParam("number"));
    byte[] body = AtomFeed.of(lookup.result(), pages.site(ctx).operatorName());
    ctx.contentType("application/atom+xml; charset=utf-8").result(body);
  }

  /**
   * One number looked up as the API does, charged as one lookup at the gate: its lookup, or the
   * problem the lookup API answers (404 not-found, 400 for an invalid number, 429). Other routes
   * that take a number (a subscription) answer exactly this, so they can enumerate nothing more.
   */
  public Tracker.Lookup lookupOne(Exchange exchange, String raw) {
    gate.admitLookups(exchange, 1);
    Answer answer = answer(exchange, TrackingNumber.normalize(raw));
    if (answer.lookup() == null) {
      throw answer.problem();
    }
    return answer.lookup();
  }

  /** The outcome for one number: a lookup, or the problem that stands in for it. */
  private record Answer(String number, Tracker.Lookup lookup, ProblemException problem) {}

  private Answer answer(Exchange exchange, String normalized) {
    Answer answer;
    try {
      TrackingNumber number = TrackingNumber.parse(normalized);
      Optional<Tracker.Lookup> lookup = tracker.lookup(number);
      answer =
          lookup
              .map(found -> new Answer(number.value(), found, null))
              .orElseGet(() -> new Answer(number.value(), null, NOT_FOUND));
    } catch (InvalidTrackingNumberException e) {
      answer = new Answer(e.normalized(), null, e);
    }
    exchange.lookup(answer.number(), outcome(answer));
    return answer;
  }

  private static Outcome outcome(Answer answer) {
    if (answer.lookup() != null) {
      return Outcome.FOUND;
    }
    return answer.problem() == NOT_FOUND ? Outcome.NOT_FOUND : Outcome.INVALID;
  }

  /**
   * The numbers of a list query, charged at the gate: a query that cannot be parsed is charged as
   * one lookup before its problem is answered, so that malformed queries are limited too.
   */
  private NumberQuery admitted(Exchange exchange, String raw, boolean typed) {
    NumberQuery query;
    try {
      query = typed ? NumberQuery.read(raw) : NumberQuery.parse(raw);
    } catch (ProblemException e) {
      gate.admitLookups(exchange, 1);
      throw e;
    }
    gate.admitLookups(exchange, query.numbers().size());
    return query;
  }

  private void one(Context ctx) {
    Tracker.Lookup lookup = lookupOne(Exchange.of(ctx), ctx.pathParam("number"));
    Language language = Language.ofAcceptLanguage(ctx.header("Accept-Language"));
    Responses.json(
        ctx, language == Language.EN ? lookup.json() : lookup.json(StatusTexts.wording(language)));
  }

  private void many(Context ctx) {
    Exchange exchange = Exchange.of(ctx);
    NumberQuery query = admitted(exchange, ctx.queryParam("numbers"), false);
    Language language = Language.ofAcceptLanguage(ctx.header("Accept-Language"));
    ByteArrayOutputStream out = new ByteArrayOutputStream(2048 * query.numbers().size());
    try {
      out.write(RESULTS_OPEN);
      boolean first = true;
      for (String number : query.numbers()) {
        if (!first) {
          out.write(',');
        }
        first = false;
        Answer answer = answer(exchange, number);
        if (answer.lookup() != null) {
          Tracker.Lookup lookup = answer.lookup();
          out.write(
              language == Language.EN ? lookup.json() : lookup.json(StatusTexts.wording(language)));
        } else {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("trackingNumber", answer.number());
          ProblemException problem = answer.problem();
          entry.put("error", Problems.body(problem.type(), problem.detail(), problem.extensions()));
          Json.MAPPER.writeValue(out, entry);
        }
      }
      out.write(RESULTS_CLOSE);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    Responses.json(ctx, out.toByteArray());
  }

  private void home(Context ctx) {
    String numbers = ctx.queryParam("numbers");
    ctx.html(
        pages.render(
            "home.jte", new HomePage(pages.site(ctx), numbers == null ? "" : numbers, null)));
  }

  private void results(Context ctx) {
    Exchange exchange = Exchange.of(ctx);
    String raw = ctx.queryParam("numbers");
    NumberQuery query;
    try {
      query = admitted(exchange, raw, true);
    } catch (ProblemException e) {
      if (e.type().status() == 429) {
        throw e;
      }
      refused(ctx, raw, e);
      return;
    }
    List<ResultCard> cards = new ArrayList<>();
    for (String number : query.numbers()) {
      cards.add(card(cards.size() + 1, answer(exchange, number)));
    }
    ctx.html(
        pages.render(
            "results.jte",
            new ResultsPage(pages.site(ctx), String.join("\n", query.numbers()), cards, mail)));
  }

  /**
   * The results page of one number, charged as one lookup; a number that cannot be one renders the
   * home page with the reason, as {@code /track?numbers=} does for a query it cannot take.
   */
  private void permalink(Context ctx) {
    Exchange exchange = Exchange.of(ctx);
    gate.admitLookups(exchange, 1);
    String raw = ctx.pathParam("number");
    Answer answer = answer(exchange, TrackingNumber.normalize(raw));
    if (answer.problem() instanceof InvalidTrackingNumberException invalid) {
      refused(ctx, raw, invalid);
      return;
    }
    ctx.html(
        pages.render(
            "results.jte",
            new ResultsPage(pages.site(ctx), answer.number(), List.of(card(1, answer)), mail)));
  }

  /** The home page with what was typed and why it was refused, in the problem's status. */
  private void refused(Context ctx, String raw, ProblemException problem) {
    ctx.status(problem.type().status());
    ctx.html(
        pages.render("home.jte", new HomePage(pages.site(ctx), raw == null ? "" : raw, problem)));
  }

  private static ResultCard card(int position, Answer answer) {
    return new ResultCard(
        position,
        answer.number(),
        answer.lookup() == null ? null : answer.lookup().result(),
        answer.problem());
  }
}
