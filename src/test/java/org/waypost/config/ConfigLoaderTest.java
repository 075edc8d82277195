package org.waypost.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.waypost.catalog.Service;
import org.waypost.net.Cidr;

/**
 * Configuration as CONTRACT.md fixes it: YAML, overridden by {@code WAYPOST_<SECTION>_<KEY>}
 * variables, overridden by command-line options; anything unknown or invalid stops the start with a
 * message naming the key.
 */
class ConfigLoaderTest {
  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    Path file = dir.resolve("waypost.yaml");
    Files.writeString(file, text);
    return file;
  }

  private static WaypostConfig fromEnv(Map<String, String> env) {
    return ConfigLoader.load(null, env, Map.of());
  }

  private static ConfigException refusal(ThrowingCallable call) {
    ConfigException e = catchThrowableOfType(ConfigException.class, call);
    assertThat(e).as("a ConfigException").isNotNull();
    return e;
  }

  @Nested
  class Defaults {
    private final WaypostConfig config = ConfigLoader.load(null, Map.of(), Map.of());

    @Test
    void serveOnLoopbackPort8080TrustingNoProxy() {
      assertThat(config.server().host()).isEqualTo("127.0.0.1");
      assertThat(config.server().port()).isEqualTo(8080);
      assertThat(config.server().trustedProxies()).isEmpty();
    }

    @Test
    void keepDataInSqliteUnderTheDataFolder() {
      assertThat(config.database().url()).isEqualTo("jdbc:sqlite:./data/waypost.db");
      assertThat(config.database().user()).isEmpty();
      assertThat(config.database().password()).isEmpty();
    }

    @Test
    void issueNumbersAsTheExampleOperator() {
      assertThat(config.operator().name()).isEqualTo("Example Post");
      assertThat(config.operator().mailerId()).isEqualTo("123456");
      assertThat(config.operator().country()).isEqualTo("US");
    }

    @Test
    void keepTheSecurityLogSevenDaysAndHonourGpc() {
      assertThat(config.privacy().securityLogRetentionDays()).isEqualTo(7);
      assertThat(config.privacy().keyDir()).isEqualTo("./data/keys");
      assertThat(config.privacy().masterKeyFile())
          .as("beside the key folder, not in it: it is backed up, the key folder never")
          .isEqualTo("./data/master.key");
      assertThat(config.privacy().masterKey()).isEmpty();
      assertThat(config.privacy().honorGpc()).isTrue();
      assertThat(config.privacy().analyticsMinCount()).isEqualTo(5);
    }

    @Test
    void useEachServiceDefaultStandard() {
      for (Service service : Service.values()) {
        assertThat(config.tracking().standardDays(service))
            .as("%s", service)
            .isEqualTo(service.defaultStandardDays());
      }
    }

    @Test
    void areTheSameWithAnEmptyFile() throws IOException {
      assertThat(ConfigLoader.load(yaml(""), Map.of(), Map.of())).isEqualTo(config);
    }
  }

  @Nested
  class File {
    @Test
    void overridesTheDefaultsItNames() throws IOException {
      Path file =
          yaml(
              """
              server:
                port: 9090
                trustedProxies: [192.0.2.0/24, "2001:db8::/32"]
              database:
                url: jdbc:postgresql://db.example.net/waypost
                user: waypost
              operator:
                name: Northwind Post
                mailerId: "987654321"
                country: CA
              privacy:
                securityLogRetentionDays: 14
                honorGpc: false
              tracking:
                serviceStandards:
                  PRIORITY: 3
              """);

      WaypostConfig config = ConfigLoader.load(file, Map.of(), Map.of());

      assertThat(config.server().port()).isEqualTo(9090);
      assertThat(config.server().host()).isEqualTo("127.0.0.1");
      assertThat(config.server().trustedProxies()).containsExactly("192.0.2.0/24", "2001:db8::/32");
      assertThat(config.database().url()).isEqualTo("jdbc:postgresql://db.example.net/waypost");
      assertThat(config.database().user()).isEqualTo("waypost");
      assertThat(config.operator())
          .isEqualTo(new OperatorConfig("Northwind Post", "987654321", "CA"));
      assertThat(config.privacy().securityLogRetentionDays()).isEqualTo(14);
      assertThat(config.privacy().honorGpc()).isFalse();
      assertThat(config.privacy().analyticsMinCount()).isEqualTo(5);
      assertThat(config.tracking().standardDays(Service.PRIORITY)).isEqualTo(3);
      assertThat(config.tracking().standardDays(Service.PRIORITY_EXPRESS)).isEqualTo(1);
    }

    @Test
    void readsTheSiteSectionAsTheReadmeShowsIt() throws IOException {
      Path file =
          yaml(
              """
              site:
                contactEmail: help@post.example
                contactPhone: "+1 202 555 0100"
                contactUrl: https://post.example/contact
                faqUrl: https://post.example/help
                primaryColor: "#0B5394"
                pickupHoldDays: 10
                pickupHours: "Mon–Fri 9:00–17:00"
                redeliveryUrl: https://post.example/redelivery
              """);

      SiteConfig site = ConfigLoader.load(file, Map.of(), Map.of()).site();

      assertThat(site.contactEmail()).isEqualTo("help@post.example");
      assertThat(site.primaryColor()).isEqualTo("#0b5394");
      assertThat(site.pickupHoldDays()).isEqualTo(10);
      assertThat(site.hasContact()).isTrue();
      assertThat(ConfigLoader.load(null, Map.of(), Map.of()).site().hasContact()).isFalse();
    }

    @Test
    void aColourTooLightForWhiteTextIsRefusedWithItsContrast() throws IOException {
      Path file = yaml("site: {primaryColor: '#f5a623'}");

      assertThat(refusal(() -> ConfigLoader.load(file, Map.of(), Map.of())))
          .hasMessage(
              "site.primaryColor #f5a623 is too light: white text on it has a contrast of 2.0:1,"
                  + " and needs 4.5:1 (WCAG AA)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '"',
        textBlock =
            """
            logging: {level: debug}                         | logging
            server: {prot: 8080}                            | server.prot
            server: {port: abc}                             | server.port
            server: {port: 70000}                           | server.port
            server: {port: -1}                              | server.port
            server: {port: 80.5}                            | server.port
            server: {host: null}                            | server.host
            server: {trustedProxies: [not-a-cidr]}          | server.trustedProxies
            logging: {format: xml}                          | logging.format
            privacy: {securityLogRetentionDays: 0}          | privacy.securityLogRetentionDays
            privacy: {securityLogRetentionDays: 31}         | privacy.securityLogRetentionDays
            operator: {mailerId: '12345'}                   | operator.mailerId
            operator: {country: usa}                        | operator.country
            database: {url: 'jdbc:mysql://x'}               | database.url
            database: {replicaUrl: 'jdbc:mysql://x'}        | database.replicaUrl
            database: {replicaUrl: 'jdbc:postgresql://r/w'} | database.replicaUrl
            tracking: {serviceStandards: {TELEPORT: 2}}     | tracking.serviceStandards
            site: {contactEmail: 'not an address'}          | site.contactEmail
            site: {contactPhone: 'call me'}                 | site.contactPhone
            site: {faqUrl: 'javascript:alert(1)'}           | site.faqUrl
            site: {redeliveryUrl: 'ftp://post.example/'}    | site.redeliveryUrl
            site: {primaryColor: blue}                      | site.primaryColor
            site: {primaryColor: '#f5a623'}                 | site.primaryColor
            site: {pickupHoldDays: 0}                       | site.pickupHoldDays
            site: {logoFile: logo.gif}                      | site.logoFile
            site: {colour: '#000000'}                       | site.colour
            """)
    void refusesAnUnknownKeyOrInvalidValueNamingTheKey(String text, String key) throws IOException {
      Path file = yaml(text);

      ConfigException e = refusal(() -> ConfigLoader.load(file, Map.of(), Map.of()));

      assertThat(e).hasMessageContaining(key);
    }

    @Test
    void namesTheOffendingValueWhereItHelps() throws IOException {
      Path proxies = yaml("server: {trustedProxies: [not-a-cidr]}");
      assertThat(refusal(() -> ConfigLoader.load(proxies, Map.of(), Map.of())))
          .hasMessageContaining("not-a-cidr");

      Path standards = yaml("tracking: {serviceStandards: {TELEPORT: 2}}");
      assertThat(refusal(() -> ConfigLoader.load(standards, Map.of(), Map.of())))
          .hasMessageContaining("TELEPORT");
    }

    @Test
    void mustHoldAMapping() throws IOException {
      Path file = yaml("- server\n- database\n");

      assertThat(refusal(() -> ConfigLoader.load(file, Map.of(), Map.of())))
          .hasMessageContaining(file.toString());
    }

    @Test
    void mustBeValidYaml() throws IOException {
      Path file = yaml("server:\n  host: 127.0.0.1\n port: 8080\n");

      assertThat(refusal(() -> ConfigLoader.load(file, Map.of(), Map.of())))
          .hasMessageContaining(file.toString())
          .hasMessageContaining("YAML");
    }

    @Test
    void mustExist() {
      Path missing = dir.resolve("missing.yaml");

      assertThat(refusal(() -> ConfigLoader.load(missing, Map.of(), Map.of())))
          .hasMessageContaining(missing.toString());
    }
  }

  @Nested
  class Environment {
    @Test
    void setsTheDatabaseUrl() {
      WaypostConfig config =
          fromEnv(Map.of("WAYPOST_DATABASE_URL", "jdbc:postgresql://db.example.net/waypost"));

      assertThat(config.database().url()).isEqualTo("jdbc:postgresql://db.example.net/waypost");
    }

    @Test
    void setsThePort() {
      assertThat(fromEnv(Map.of("WAYPOST_SERVER_PORT", "9191")).server().port()).isEqualTo(9191);
    }

    @Test
    void setsTrustedProxiesFromACommaList() {
      WaypostConfig config =
          fromEnv(Map.of("WAYPOST_SERVER_TRUSTEDPROXIES", "192.0.2.0/24, 2001:db8::/32,"));

      assertThat(config.server().trustedProxies()).containsExactly("192.0.2.0/24", "2001:db8::/32");
      assertThat(config.server().trustedProxyRanges())
          .containsExactly(Cidr.parse("192.0.2.0/24"), Cidr.parse("2001:db8::/32"));
    }

    @Test
    void carriesTheMasterKeyItself() {
      WaypostConfig config =
          fromEnv(Map.of("WAYPOST_PRIVACY_MASTERKEY", "c2VjcmV0LWtleS1tYXRlcmlhbA=="));

      assertThat(config.privacy().masterKey()).isEqualTo("c2VjcmV0LWtleS1tYXRlcmlhbA==");
      assertThat(config.privacy().toString()).doesNotContain("c2VjcmV0LWtleS1tYXRlcmlhbA==");
    }

    @Test
    void setsAServiceStandardKeepingTheOthers() {
      WaypostConfig config = fromEnv(Map.of("WAYPOST_TRACKING_SERVICESTANDARDS", "PRIORITY=3"));

      assertThat(config.tracking().standardDays(Service.PRIORITY)).isEqualTo(3);
      assertThat(config.tracking().standardDays(Service.GROUND_ADVANTAGE))
          .isEqualTo(Service.GROUND_ADVANTAGE.defaultStandardDays());
    }

    @Test
    void beatsTheFile() throws IOException {
      Path file =
          yaml(
              """
              server: {port: 9090, trustedProxies: [198.51.100.0/24]}
              database: {url: "jdbc:sqlite:/var/lib/waypost/file.db"}
              privacy: {masterKey: from-file}
              tracking: {serviceStandards: {PRIORITY: 5}}
              """);
      Map<String, String> env =
          Map.of(
              "WAYPOST_SERVER_PORT", "9191",
              "WAYPOST_SERVER_TRUSTEDPROXIES", "203.0.113.0/24",
              "WAYPOST_DATABASE_URL", "jdbc:sqlite:/var/lib/waypost/env.db",
              "WAYPOST_PRIVACY_MASTERKEY", "from-env",
              "WAYPOST_TRACKING_SERVICESTANDARDS", "PRIORITY=3");

      WaypostConfig config = ConfigLoader.load(file, env, Map.of());

      assertThat(config.server().port()).isEqualTo(9191);
      assertThat(config.server().trustedProxies()).containsExactly("203.0.113.0/24");
      assertThat(config.database().url()).isEqualTo("jdbc:sqlite:/var/lib/waypost/env.db");
      assertThat(config.privacy().masterKey()).isEqualTo("from-env");
      assertThat(config.tracking().standardDays(Service.PRIORITY)).isEqualTo(3);
    }

    @Test
    void ignoresVariablesOfOtherPrograms() {
      WaypostConfig config =
          fromEnv(Map.of("PATH", "/usr/bin", "HOME", "/home/waypost", "SERVER_PORT", "1"));

      assertThat(config).isEqualTo(WaypostConfig.defaults());
    }

    @Test
    void setsTheLogFormat() {
      assertThat(fromEnv(Map.of("WAYPOST_LOGGING_FORMAT", "json")).logging().json()).isTrue();
      assertThat(fromEnv(Map.of("WAYPOST_LOGGING_FORMAT", "JSON")).logging().format())
          .isEqualTo("json");
      assertThat(fromEnv(Map.of()).logging().format()).isEqualTo("logfmt");
    }

    /** What Kubernetes sets in every pod of a namespace with services waypost and waypost-db. */
    private static final Map<String, String> KUBERNETES =
        Map.ofEntries(
            Map.entry("WAYPOST_SERVICE_HOST", "10.96.0.12"),
            Map.entry("WAYPOST_SERVICE_PORT", "8080"),
            Map.entry("WAYPOST_SERVICE_PORT_HTTP", "8080"),
            Map.entry("WAYPOST_PORT", "tcp://10.96.0.12:8080"),
            Map.entry("WAYPOST_PORT_8080_TCP", "tcp://10.96.0.12:8080"),
            Map.entry("WAYPOST_PORT_8080_TCP_PROTO", "tcp"),
            Map.entry("WAYPOST_PORT_8080_TCP_PORT", "8080"),
            Map.entry("WAYPOST_PORT_8080_TCP_ADDR", "10.96.0.12"),
            Map.entry("WAYPOST_DB_SERVICE_HOST", "10.96.0.13"),
            Map.entry("WAYPOST_DB_SERVICE_PORT", "5432"),
            Map.entry("WAYPOST_DB_PORT", "tcp://10.96.0.13:5432"),
            Map.entry("WAYPOST_DB_PORT_5432_TCP", "tcp://10.96.0.13:5432"),
            Map.entry("WAYPOST_DB_PORT_5432_TCP_PROTO", "tcp"),
            Map.entry("WAYPOST_DB_PORT_5432_TCP_PORT", "5432"),
            Map.entry("WAYPOST_DB_PORT_5432_TCP_ADDR", "10.96.0.13"));

    @Test
    void ignoresWhatKubernetesSetsForServices() {
      Map<String, String> env = new HashMap<>(KUBERNETES);
      env.put("WAYPOST_SERVER_PORT", "9191");

      WaypostConfig config = fromEnv(env);

      assertThat(config.server().port()).isEqualTo(9191);
      assertThat(config.database()).isEqualTo(WaypostConfig.defaults().database());
      assertThat(ConfigLoader.kubernetesVariables(env))
          .as("named in order, for the one line serve logs")
          .containsExactlyElementsOf(new TreeSet<>(KUBERNETES.keySet()));
      assertThat(ConfigLoader.kubernetesVariables(Map.of("WAYPOST_SERVER_PORT", "9191"))).isEmpty();
    }

    @Test
    void stillRefusesAnUnknownVariableBesideKubernetesOnes() {
      Map<String, String> env = new HashMap<>(KUBERNETES);
      env.put("WAYPOST_SERVER_PROT", "8080");

      assertThat(refusal(() -> fromEnv(env))).hasMessageContaining("WAYPOST_SERVER_PROT");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
        delimiter = '|',
        textBlock =
            """
            WAYPOST_SERVER_PROT                       | 8080           | WAYPOST_SERVER_PROT
            WAYPOST_LOGGING_LEVEL                     | debug          | WAYPOST_LOGGING_LEVEL
            WAYPOST_SERVERPORT                        | 8080           | WAYPOST_SERVERPORT
            WAYPOST_SERVER_PORTS                      | 8080           | WAYPOST_SERVER_PORTS
            WAYPOST_DATABASE_PORT                     | 5432           | WAYPOST_DATABASE_PORT
            WAYPOST_LOGGING_FORMAT                    | xml            | logging.format
            WAYPOST_SERVER_PORT                       | abc            | server.port
            WAYPOST_SERVER_PORT                       | 70000          | server.port
            WAYPOST_SERVER_HOST                       | ' '            | server.host
            WAYPOST_SERVER_TRUSTEDPROXIES             | not-a-cidr     | server.trustedProxies
            WAYPOST_PRIVACY_SECURITYLOGRETENTIONDAYS  | 31             | privacy.securityLogRetentionDays
            WAYPOST_PRIVACY_HONORGPC                  | yes please     | privacy.honorGpc
            WAYPOST_OPERATOR_MAILERID                 | 12345          | operator.mailerId
            WAYPOST_OPERATOR_COUNTRY                  | usa            | operator.country
            WAYPOST_DATABASE_URL                      | jdbc:mysql://x | database.url
            WAYPOST_TRACKING_SERVICESTANDARDS         | TELEPORT=2     | tracking.serviceStandards
            WAYPOST_TRACKING_SERVICESTANDARDS         | PRIORITY       | tracking.serviceStandards
            """)
    void refusesAnUnknownVariableOrInvalidValueNamingTheKey(
        String variable, String value, String key) {
      ConfigException e = refusal(() -> fromEnv(Map.of(variable, value)));

      assertThat(e).hasMessageContaining(key);
    }
  }

  @Nested
  class Overrides {
    @Test
    void beatTheEnvironment() {
      WaypostConfig config =
          ConfigLoader.load(
              null,
              Map.of("WAYPOST_SERVER_PORT", "9191", "WAYPOST_DATABASE_URL", "jdbc:sqlite:env.db"),
              Map.of("server.port", "9292", "database.url", "jdbc:sqlite:cli.db"));

      assertThat(config.server().port()).isEqualTo(9292);
      assertThat(config.database().url()).isEqualTo("jdbc:sqlite:cli.db");
    }

    @Test
    void beatTheFile() throws IOException {
      Path file = yaml("server: {port: 9090}");

      assertThat(ConfigLoader.load(file, Map.of(), Map.of("server.port", "0")).server().port())
          .isZero();
    }

    @Test
    void refuseAnUnknownKeyNamingIt() {
      for (String key : List.of("server.prot", "logging.level", "port")) {
        assertThat(refusal(() -> ConfigLoader.load(null, Map.of(), Map.of(key, "1"))))
            .hasMessageContaining(key);
      }
    }
  }
}
