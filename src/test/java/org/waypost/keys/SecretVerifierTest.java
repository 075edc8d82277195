package org.waypost.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.waypost.keys.SecretVerifier.Stored;
import org.waypost.testing.MutableClock;

/**
 * The one check behind shipper keys and operator tokens, on an in-memory table of credentials that
 * records every lookup: what reaches the table, what is remembered, what is forgotten.
 */
class SecretVerifierTest {
  private static final String PREFIX = "wpk_";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));
  private final Map<String, Stored<String>> table = new HashMap<>();
  private final List<String> lookups = new ArrayList<>();
  private final SecretVerifier<String> verifier =
      new SecretVerifier<>(
          PREFIX,
          id -> {
            lookups.add(id);
            return Optional.ofNullable(table.get(id));
          },
          clock);

  private PrefixedSecret issue(String holder) {
    PrefixedSecret secret = PrefixedSecret.issue(PREFIX);
    table.put(secret.id(), new Stored<>(secret.secretHash(), holder));
    return secret;
  }

  @Test
  void aVerifiedCredentialIsRememberedAndAWrongSecretNever() {
    PrefixedSecret acme = issue("acme");
    String wrong =
        PrefixedSecret.idPrefix(PREFIX, acme.id()) + PrefixedSecret.issue(PREFIX).secret();

    assertThat(verifier.verify(acme.text())).contains("acme");
    assertThat(verifier.verify(acme.text())).contains("acme");
    assertThat(verifier.verify(wrong)).isEmpty();
    assertThat(verifier.verify(wrong)).isEmpty();

    assertThat(lookups).containsExactly(acme.id(), acme.id(), acme.id());
  }

  @Test
  void forgettingAnIdDropsOnlyThatCredential() {
    PrefixedSecret acme = issue("acme");
    PrefixedSecret globex = issue("globex");
    verifier.verify(acme.text());
    verifier.verify(globex.text());

    table.remove(acme.id()); // revoked in the table
    assertThat(verifier.verify(acme.text())).contains("acme"); // still remembered here
    verifier.forget(acme.id());

    assertThat(verifier.verify(acme.text())).isEmpty();
    assertThat(verifier.verify(globex.text())).contains("globex");
    assertThat(lookups).containsExactly(acme.id(), globex.id(), acme.id());
  }

  @Test
  void textThatIsNotThisCredentialNeverReachesTheTable() {
    issue("acme");
    assertThat(verifier.verify(null)).isEmpty();
    assertThat(verifier.verify("")).isEmpty();
    assertThat(verifier.verify(PrefixedSecret.issue("wpo_").text())).isEmpty();
    assertThat(verifier.verify(PrefixedSecret.issue(PREFIX).text() + "x")).isEmpty();
    assertThat(lookups).isEmpty();

    assertThat(verifier.verify(PrefixedSecret.issue(PREFIX).text())).isEmpty(); // unknown id
    assertThat(lookups).hasSize(1);
  }

  @Test
  void aCredentialIsRefusedFromItsExpiryOnWhetherRememberedOrNot() {
    PrefixedSecret acme = PrefixedSecret.issue(PREFIX);
    long expiresAt = clock.millis() + 10_000;
    table.put(acme.id(), new Stored<>(acme.secretHash(), "acme", expiresAt));

    assertThat(verifier.verify(acme.text())).contains("acme");
    clock.advance(Duration.ofMillis(9_999));
    assertThat(verifier.verify(acme.text())).as("remembered, one ms before").contains("acme");
    clock.advance(Duration.ofMillis(1));
    assertThat(verifier.verify(acme.text())).as("remembered, at its expiry").isEmpty();

    SecretVerifier<String> otherNode =
        new SecretVerifier<>(PREFIX, id -> Optional.ofNullable(table.get(id)), clock);
    assertThat(otherNode.verify(acme.text())).as("looked up, after its expiry").isEmpty();
  }

  @Test
  void aChangeInTheTableIsSeenOnceTheClockHasMovedOnByTheCacheTime() {
    PrefixedSecret acme = issue("acme");
    assertThat(verifier.verify(acme.text())).contains("acme");

    table.put(acme.id(), new Stored<>(acme.secretHash(), "acme with new roles"));
    clock.advance(SecretVerifier.CACHE_TTL.minusMillis(1));
    assertThat(verifier.verify(acme.text())).contains("acme");
    clock.advance(Duration.ofMillis(1));
    assertThat(verifier.verify(acme.text())).contains("acme with new roles");

    table.remove(acme.id()); // revoked elsewhere
    clock.advance(SecretVerifier.CACHE_TTL);
    assertThat(verifier.verify(acme.text())).isEmpty();
    assertThat(lookups).containsExactly(acme.id(), acme.id(), acme.id());
  }
}
