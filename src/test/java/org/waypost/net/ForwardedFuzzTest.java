package org.waypost.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code X-Forwarded-For}, {@code Forwarded} and the proto and host headers of a trusted proxy,
 * fuzzed with Jazzer: whatever a client writes in them, the server gets a client address (never an
 * exception), and a client that is not a trusted proxy is never believed. Committed inputs: {@code
 * ForwardedFuzzTestInputs/}.
 */
class ForwardedFuzzTest {
  private static final List<Cidr> TRUSTED =
      List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("2001:db8:ffff::/48"));

  @FuzzTest(maxDuration = "60s")
  void anyForwardingHeadersGiveAClientAddress(FuzzedDataProvider data) throws Exception {
    TrustedProxies proxies = new TrustedProxies(TRUSTED, data.consumeBoolean());
    boolean viaProxy = data.consumeBoolean();
    String peer = viaProxy ? "127.0.0.1" : "198.51.100.7";
    Map<String, List<String>> headers =
        Map.of(
            "X-Forwarded-For", values(data),
            "Forwarded", values(data),
            "X-Forwarded-Proto", values(data),
            "X-Forwarded-Host", values(data));
    TrustedProxies.Headers byName = name -> headers.getOrDefault(name, List.of());

    TrustedProxies.Origin origin = proxies.origin(peer, byName);
    assertThat(origin.client()).isNotNull();
    proxies.forwardedHttps(peer, origin, byName);
    proxies.forwardedHost(peer, origin, byName);
    InetAddress resolved =
        proxies.resolve(peer, headers.get("X-Forwarded-For"), headers.get("Forwarded"));
    assertThat(resolved).isNotNull();
    if (!viaProxy) {
      assertThat(origin.forwarded()).isFalse();
      assertThat(origin.client()).isEqualTo(InetAddress.getByName(peer));
      assertThat(resolved).isEqualTo(InetAddress.getByName(peer));
    }
  }

  private static List<String> values(FuzzedDataProvider data) {
    List<String> values = new ArrayList<>();
    int count = data.consumeInt(0, 3);
    for (int i = 0; i < count; i++) {
      values.add(data.consumeString(200));
    }
    return values;
  }
}
