package org.waypost.demo;

import java.time.ZoneId;
import java.util.List;
import org.waypost.tracking.Location;

/** Real cities, ZIP codes and time zones for demo pieces, with the facility serving each. */
final class Places {
  record Place(String city, String region, String postalCode, String country, ZoneId zone) {
    Location location() {
      return new Location(city, region, postalCode, country);
    }
  }

  /** A US city: its post office, and the regional processing facility that serves it. */
  record City(Place postOffice, Place facility) {}

  private static final ZoneId EASTERN = ZoneId.of("America/New_York");
  private static final ZoneId CENTRAL = ZoneId.of("America/Chicago");
  private static final ZoneId MOUNTAIN = ZoneId.of("America/Denver");
  private static final ZoneId ARIZONA = ZoneId.of("America/Phoenix");
  private static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");

  static final List<City> US =
      List.of(
          city("NEW YORK", "NY", "10001", EASTERN, "NEW YORK", "10199"),
          city("BROOKLYN", "NY", "11201", EASTERN, "BROOKLYN", "11256"),
          city("LOS ANGELES", "CA", "90012", PACIFIC, "LOS ANGELES", "90052"),
          city("SAN DIEGO", "CA", "92101", PACIFIC, "SAN DIEGO", "92199"),
          city("SAN JOSE", "CA", "95113", PACIFIC, "SAN JOSE", "95101"),
          city("SAN FRANCISCO", "CA", "94103", PACIFIC, "SAN FRANCISCO", "94188"),
          city("CHICAGO", "IL", "60607", CENTRAL, "CHICAGO", "60607"),
          city("HOUSTON", "TX", "77002", CENTRAL, "HOUSTON", "77201"),
          city("DALLAS", "TX", "75201", CENTRAL, "DALLAS", "75260"),
          city("AUSTIN", "TX", "78701", CENTRAL, "AUSTIN", "78710"),
          city("SAN ANTONIO", "TX", "78205", CENTRAL, "SAN ANTONIO", "78284"),
          city("PHOENIX", "AZ", "85004", ARIZONA, "PHOENIX", "85026"),
          city("PHILADELPHIA", "PA", "19104", EASTERN, "PHILADELPHIA", "19176"),
          city("JACKSONVILLE", "FL", "32202", EASTERN, "JACKSONVILLE", "32203"),
          city("MIAMI", "FL", "33130", EASTERN, "MIAMI", "33152"),
          city("ATLANTA", "GA", "30303", EASTERN, "ATLANTA", "30304"),
          city("CHARLOTTE", "NC", "28202", EASTERN, "CHARLOTTE", "28228"),
          city("COLUMBUS", "OH", "43215", EASTERN, "COLUMBUS", "43216"),
          city("INDIANAPOLIS", "IN", "46204", EASTERN, "INDIANAPOLIS", "46206"),
          city("SEATTLE", "WA", "98104", PACIFIC, "SEATTLE", "98168"),
          city("PORTLAND", "OR", "97204", PACIFIC, "PORTLAND", "97208"),
          city("DENVER", "CO", "80202", MOUNTAIN, "DENVER", "80266"),
          city("SALT LAKE CITY", "UT", "84101", MOUNTAIN, "SALT LAKE CITY", "84199"),
          city("ALBUQUERQUE", "NM", "87102", MOUNTAIN, "ALBUQUERQUE", "87101"),
          city("LAS VEGAS", "NV", "89101", PACIFIC, "LAS VEGAS", "89199"),
          city("WASHINGTON", "DC", "20001", EASTERN, "WASHINGTON", "20066"),
          city("FAIRFAX", "VA", "22032", EASTERN, "MERRIFIELD", "22081"),
          city("BALTIMORE", "MD", "21201", EASTERN, "BALTIMORE", "21233"),
          city("BOSTON", "MA", "02108", EASTERN, "BOSTON", "02205"),
          city("NASHVILLE", "TN", "37203", CENTRAL, "NASHVILLE", "37229"),
          city("MEMPHIS", "TN", "38103", CENTRAL, "MEMPHIS", "38101"),
          city("LOUISVILLE", "KY", "40202", EASTERN, "LOUISVILLE", "40231"),
          city("MILWAUKEE", "WI", "53202", CENTRAL, "MILWAUKEE", "53203"),
          city("MINNEAPOLIS", "MN", "55401", CENTRAL, "MINNEAPOLIS", "55401"),
          city("KANSAS CITY", "MO", "64106", CENTRAL, "KANSAS CITY", "64108"),
          city("DETROIT", "MI", "48226", EASTERN, "DETROIT", "48233"),
          city("OMAHA", "NE", "68102", CENTRAL, "OMAHA", "68108"),
          city("RALEIGH", "NC", "27601", EASTERN, "RALEIGH", "27676"),
          city("PITTSBURGH", "PA", "15222", EASTERN, "PITTSBURGH", "15290"),
          city("NEW ORLEANS", "LA", "70112", CENTRAL, "NEW ORLEANS", "70113"));

  /** Where international mail leaves the US: an International Service Center. */
  static final Place ISC_NEW_YORK = new Place("JAMAICA", "NY", "11430", "US", EASTERN);

  static final Place ISC_LOS_ANGELES = new Place("LOS ANGELES", "CA", "90009", "US", PACIFIC);

  static final List<Place> ABROAD =
      List.of(
          new Place("LONDON", null, "EC1A 1BB", "GB", ZoneId.of("Europe/London")),
          new Place("MANCHESTER", null, "M1 1AE", "GB", ZoneId.of("Europe/London")),
          new Place("TORONTO", "ON", "M5H 2N2", "CA", ZoneId.of("America/Toronto")),
          new Place("VANCOUVER", "BC", "V6B 1A1", "CA", ZoneId.of("America/Vancouver")),
          new Place("BERLIN", null, "10117", "DE", ZoneId.of("Europe/Berlin")),
          new Place("PARIS", null, "75001", "FR", ZoneId.of("Europe/Paris")),
          new Place("AMSTERDAM", null, "1012 JS", "NL", ZoneId.of("Europe/Amsterdam")),
          new Place("TOKYO", null, "100-0005", "JP", ZoneId.of("Asia/Tokyo")),
          new Place("SYDNEY", "NSW", "2000", "AU", ZoneId.of("Australia/Sydney")),
          new Place("MEXICO CITY", null, "06000", "MX", ZoneId.of("America/Mexico_City")));

  private Places() {}

  private static City city(
      String name,
      String region,
      String zip,
      ZoneId zone,
      String facilityCity,
      String facilityZip) {
    return new City(
        new Place(name, region, zip, "US", zone),
        new Place(facilityCity, region, facilityZip, "US", zone));
  }
}
