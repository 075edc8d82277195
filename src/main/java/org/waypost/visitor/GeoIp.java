package org.waypost.visitor;

import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.CountryResponse;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The country of an address, from a MaxMind GeoIP2/GeoLite2 database file the operator provides.
 *
 * <p>Country is the only location Waypost derives, and only for aggregates: a country is coarse
 * enough to count, and the lookup is local (the address never leaves the machine). Installs without
 * a database use {@link #none()}, so callers need no null checks. Country, City and Enterprise
 * databases all answer country lookups; any other kind is refused when opened rather than on the
 * first request.
 *
 * <p>The file is memory-mapped: replace it by renaming a new file over it (as {@code geoipupdate}
 * does), never by rewriting it in place, and reopen to pick up the new data.
 */
public final class GeoIp implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(GeoIp.class);
  private static final GeoIp NONE = new GeoIp(null, "none");

  private final DatabaseReader reader;
  private final String description;
  private final AtomicBoolean warned = new AtomicBoolean();

  private GeoIp(DatabaseReader reader, String description) {
    this.reader = reader;
    this.description = description;
  }

  /**
   * Opens a {@code .mmdb} file.
   *
   * @throws IllegalArgumentException naming the file when it is missing, unreadable, not a MaxMind
   *     database, or a database without countries
   */
  public static GeoIp open(Path mmdbFile) {
    Objects.requireNonNull(mmdbFile, "mmdbFile");
    Path file = mmdbFile.toAbsolutePath();
    DatabaseReader reader;
    try {
      reader = new DatabaseReader.Builder(file.toFile()).withCache(new CHMCache()).build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read the GeoIP database " + file + ": " + e.getMessage(), e);
    }
    String type = reader.getMetadata().getDatabaseType();
    if (!(type.contains("Country") || type.contains("City") || type.contains("Enterprise"))) {
      try {
        reader.close();
      } catch (IOException e) {
        // Nothing was read from it; the refusal below is what matters.
      }
      throw new IllegalArgumentException(
          "the GeoIP database "
              + file
              + " is of type "
              + type
              + "; a Country, City or Enterprise database is needed");
    }
    return new GeoIp(reader, file + " (" + type + ")");
  }

  /** No database: every lookup answers empty. */
  public static GeoIp none() {
    return NONE;
  }

  /**
   * The ISO 3166-1 alpha-2 code of the country where the address is, falling back to the country
   * where its network is registered when the database knows only that; empty for addresses the
   * database does not cover (private, documentation and loopback ranges among them).
   */
  public Optional<String> country(InetAddress address) {
    if (reader == null || address == null) {
      return Optional.empty();
    }
    try {
      return reader.tryCountry(address).map(GeoIp::isoCode);
    } catch (IOException | GeoIp2Exception | RuntimeException e) {
      // A damaged file must not fail requests: country is only counted. Said once, naming only
      // the exception's class, since a message could quote the address.
      if (warned.compareAndSet(false, true)) {
        log.warn(
            "GeoIP lookups in {} fail ({}); countries will be missing",
            description,
            e.getClass().getName());
      }
      return Optional.empty();
    }
  }

  private static String isoCode(CountryResponse response) {
    String located = response.getCountry().getIsoCode();
    return located != null ? located : response.getRegisteredCountry().getIsoCode();
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
  }

  @Override
  public String toString() {
    return "GeoIp[" + description + "]";
  }
}
