package io.tokengate.keys;

/**
 * A key that cannot be used (unreadable PEM, wrong type for the algorithm, too weak, ...). The
 * message is one line and never contains key material. Expected: carries no stack trace.
 */
public final class KeyException extends RuntimeException {

  public KeyException(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
