package org.waypost.config;

import static org.waypost.config.ConfigException.require;

/**
 * How governance work is paced: the days within which a legal request should be decided and
 * executed, counted from its filing. Past that the console shows it overdue.
 *
 * @param legalDueDays days for a request under any legal process but an emergency
 * @param emergencyDueDays days for an emergency request (danger of death or serious injury)
 */
public record GovernanceConfig(int legalDueDays, int emergencyDueDays) {
  public GovernanceConfig {
    require(
        legalDueDays >= 1 && legalDueDays <= 365,
        "governance.legalDueDays must be between 1 and 365, was " + legalDueDays);
    require(
        emergencyDueDays >= 1 && emergencyDueDays <= legalDueDays,
        "governance.emergencyDueDays must be between 1 and governance.legalDueDays ("
            + legalDueDays
            + "), was "
            + emergencyDueDays);
  }

  static GovernanceConfig defaults() {
    return new GovernanceConfig(30, 1);
  }
}
