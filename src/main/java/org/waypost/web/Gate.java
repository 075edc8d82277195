package org.waypost.web;

import java.util.function.Supplier;

/**
 * What abuse defence decides about a request, asked for by the routes that need it: whether a
 * client may look up so many numbers now, whether a credential check may even be tried (and its
 * failure counted), and whether a shipper key is within its quota. A refusal is a {@code
 * ProblemException} ({@code rate-limited} or {@code blocked}, with {@code Retry-After}).
 */
public interface Gate {
  /** Charges a lookup of {@code numbers} numbers, or refuses it. */
  void admitLookups(Exchange exchange, int numbers);

  /**
   * Runs a credential check behind the lockout: refused while the client (or its network) is locked
   * out, and a failed check ({@code unauthorized}) counts towards the lockout.
   */
  default <T> T authenticate(Exchange exchange, Supplier<T> check) {
    return authenticate(exchange, null, check);
  }

  /**
   * Runs a password check for the account named {@code account} behind the lockout: as {@link
   * #authenticate(Exchange, Supplier)}, and also refused while that account is locked, and a failed
   * check counts towards the account's lockout too. A null {@code account} names none.
   */
  <T> T authenticate(Exchange exchange, String account, Supplier<T> check);

  /** Charges one request to a shipper key's quota, or refuses it. */
  void admitShipper(Exchange exchange, String keyId);

  /** A gate that admits everything, for a server that serves only its own routes in a test. */
  Gate OPEN =
      new Gate() {
        @Override
        public void admitLookups(Exchange exchange, int numbers) {}

        @Override
        public <T> T authenticate(Exchange exchange, String account, Supplier<T> check) {
          return check.get();
        }

        @Override
        public void admitShipper(Exchange exchange, String keyId) {}
      };
}
