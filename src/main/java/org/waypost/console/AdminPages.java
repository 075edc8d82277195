package org.waypost.console;

import java.time.LocalDate;
import java.util.List;
import org.waypost.governance.Operators;
import org.waypost.governance.Role;
import org.waypost.governance.Transparency;
import org.waypost.retention.Retention;
import org.waypost.shipper.ApiKeys;

/**
 * The models of the administration pages (admin role): operators, shipper accounts and keys,
 * transparency statements, retention. Each list page carries the notice of the last action (null
 * for none) and why the last form was refused (null for none).
 */
public final class AdminPages {
  private AdminPages() {}

  /** Every role, in the order the forms offer them. */
  public static final List<Role> ROLES = List.of(Role.values());

  /** The operators, and the form to add one. */
  public record OperatorList(
      ConsolePage console, List<Operators.Listed> operators, String notice, String error) {
    public OperatorList {
      operators = List.copyOf(operators);
    }
  }

  /** Shipper accounts with their keys (public ids only), and the form to create a key. */
  public record ShipperList(
      ConsolePage console, List<ApiKeys.Account> accounts, String notice, String error) {
    public ShipperList {
      accounts = List.copyOf(accounts);
    }

    /** How a key is shown: its public part, never its secret. */
    public static String prefix(String keyId) {
      return "wpk_" + keyId + "_…";
    }
  }

  /**
   * A secret shown once, right after it was made: a shipper key, or an operator's generated
   * password.
   *
   * @param what what the secret is, as a heading says it
   * @param label the label of the secret's field
   * @param back where to go on, and its link text
   */
  public record SecretShown(
      ConsolePage console,
      String what,
      String label,
      String secret,
      String note,
      String back,
      String backText) {}

  /** The statements of the transparency report, each with its last confirmation. */
  public record StatementList(
      ConsolePage console,
      List<Transparency.Statement> statements,
      int maxLength,
      String notice,
      String error) {
    public StatementList {
      statements = List.copyOf(statements);
    }
  }

  /** The retention periods in force and what a run now would remove. */
  public record RetentionView(
      ConsolePage console, Retention.Periods periods, Retention.Report next) {
    public String days(List<LocalDate> days) {
      if (days.isEmpty()) {
        return "none";
      }
      return days.size() == 1
          ? days.getFirst().toString()
          : days.size() + " days, " + days.getFirst() + " to " + days.getLast();
    }
  }
}
