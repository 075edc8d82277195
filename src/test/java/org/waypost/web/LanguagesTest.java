package org.waypost.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The languages of the public pages: how a request's language is chosen, and that every language
 * has every text English has, with the same placeholders — so that a translator who misses a key
 * fails the build instead of a reader seeing English in the middle of Spanish.
 */
class LanguagesTest {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)[^}]*}");

  @ParameterizedTest
  @EnumSource(Language.class)
  void everyLanguageHasEveryKeyWithTheSamePlaceholders(Language language) {
    Map<String, String> english = Text.bundle(Language.EN);
    Map<String, String> other = Text.bundle(language);

    assertThat(other.keySet()).as("keys of %s", language).isEqualTo(english.keySet());
    for (var entry : english.entrySet()) {
      String translated = other.get(entry.getKey());
      assertThat(translated).as("%s in %s", entry.getKey(), language).isNotBlank();
      assertThat(placeholders(translated))
          .as("placeholders of %s in %s", entry.getKey(), language)
          .isEqualTo(placeholders(entry.getValue()));
    }
  }

  @ParameterizedTest
  @EnumSource(Language.class)
  void noTextHasAnApostropheThatMessageFormatWouldSwallow(Language language) {
    for (var entry : Text.bundle(language).entrySet()) {
      if (!entry.getKey().equals("format.day")) {
        assertThat(entry.getValue()).as(entry.getKey()).doesNotContain("'");
      }
    }
  }

  private static Set<String> placeholders(String text) {
    Set<String> found = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      textBlock =
          """
          es,   null,                         es
          zh,   'es-MX,es;q=0.9',              zh
          ZH,   null,                         zh
          xx,   'es-ES,es;q=0.9,en;q=0.8',     es
          null, 'zh-CN,zh;q=0.9,en;q=0.8',     zh
          null, 'fr-FR,fr;q=0.9,es;q=0.5',     es
          null, 'de;q=1.0, en;q=0.5, es;q=0.9', es
          null, 'es;q=0, en;q=0.1',            en
          null, 'fr',                          en
          null, null,                          en
          null, '!!!, ;;;=q',                  en
          """)
  void theLanguageIsTheParameterThenTheBrowsersFirstChoiceThenEnglish(
      String parameter, String acceptLanguage, String expected) {
    assertThat(Language.choose(parameter, acceptLanguage).code()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      textBlock =
          """
          null,                     en
          '',                       en
          en,                       en
          'en-US,en;q=0.9',         en
          'en-GB,es;q=0.8',         en
          'en;q=0.5, es',           es
          'es-MX',                  es
          'zh-CN,zh;q=0.9',         zh
          'fr, zh;q=0.4',           zh
          """)
  void theApiTakesItsLanguageFromAcceptLanguageAlone(String header, String expected) {
    assertThat(Language.ofAcceptLanguage(header).code()).isEqualTo(expected);
  }

  @Test
  void timesShowTheirOffsetTheLanguagesWay() {
    var time = java.time.OffsetDateTime.parse("2026-12-04T14:05:00-05:00");
    assertThat(Text.of(Language.EN).dateTime(time)).isEqualTo("Dec 4, 2026, 2:05\u202fPM GMT-5");
    assertThat(Text.of(Language.ES).dateTime(time)).isEqualTo("4 dic 2026, 14:05 GMT-5");
    assertThat(Text.of(Language.ZH).time(time)).isEqualTo("14:05 GMT-5");
    assertThat(Text.of(Language.ES).day(LocalDate.of(2026, 12, 4)))
        .isEqualTo("viernes, 4 de diciembre");
  }

  @Test
  void datesAreWrittenTheLanguagesWay() {
    LocalDate day = LocalDate.of(2026, 12, 4);
    assertThat(Text.of(Language.EN).date(day)).isEqualTo("Friday, December 4, 2026");
    assertThat(Text.of(Language.ES).date(day)).isEqualTo("viernes, 4 de diciembre de 2026");
    assertThat(Text.of(Language.ZH).date(day)).isEqualTo("2026年12月4日星期五");
  }

  @Test
  void placeholdersAreFilledInAndMissingKeysFallBackToTheKey() {
    assertThat(Text.of(Language.ES).get("home.hint", 35)).startsWith("Escriba hasta 35 números");
    assertThat(Text.of(Language.ZH).get("no.such.key")).isEqualTo("no.such.key");
  }
}
