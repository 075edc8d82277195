package org.waypost;

import java.util.Map;
import org.waypost.config.PrivacyConfig;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog;
import org.waypost.governance.Operators;

/**
 * Puts the retention configuration on the record when it differs from the last one recorded, so
 * that shortening or lengthening retention is as visible as any other access decision.
 */
final class RetentionSetting {
  private RetentionSetting() {}

  static void record(PrivacyConfig privacy, AuditLog audit, Database database) {
    Map<String, Object> setting =
        Map.of(
            "securityLogRetentionDays", privacy.securityLogRetentionDays(),
            "aggregateRetentionDays", privacy.aggregateRetentionDays(),
            "incidentRetentionDays", privacy.incidentRetentionDays());
    String recorded = audit.latest("config.retention").map(AuditLog.Entry::details).orElse(null);
    if (!AuditLog.canonical(setting).equals(recorded)) {
      database.inTransaction(
          c ->
              audit.append(
                  c,
                  Operators.LOCAL_ADMIN,
                  "config.retention",
                  "privacy.securityLogRetentionDays",
                  setting));
      audit.checkpointWhenPossible();
    }
  }
}
