package org.waypost.keys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The credential shape shared by shipper API keys and operator tokens. */
class PrefixedSecretTest {
  @Test
  void anIssuedCredentialParsesBackAndMatchesOnlyItsOwnHash() {
    PrefixedSecret issued = PrefixedSecret.issue("wpk_");
    assertThat(issued.text()).matches("wpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
    PrefixedSecret parsed = PrefixedSecret.parse("wpk_", issued.text()).orElseThrow();
    assertThat(parsed.id()).isEqualTo(issued.id());
    assertThat(parsed.matches(issued.secretHash())).isTrue();
    assertThat(parsed.matches(PrefixedSecret.issue("wpk_").secretHash())).isFalse();
    assertThat(issued.text()).startsWith(PrefixedSecret.idPrefix("wpk_", issued.id()));
  }

  @Test
  void anythingOfAnotherPrefixOrShapeIsNotACredential() {
    String text = PrefixedSecret.issue("wpo_").text();
    assertThat(PrefixedSecret.parse("wpk_", text)).isEmpty();
    assertThat(PrefixedSecret.parse("wpo_", text + "x")).isEmpty();
    assertThat(PrefixedSecret.parse("wpo_", text.substring(0, 20) + "-" + text.substring(21)))
        .isEmpty();
    assertThat(PrefixedSecret.parse("wpo_", null)).isEmpty();
  }

  @Test
  void itsTextFormNeverShowsTheSecret() {
    PrefixedSecret issued = PrefixedSecret.issue("wpo_");
    assertThat(issued.toString()).contains(issued.id()).doesNotContain(issued.secret());
  }
}
