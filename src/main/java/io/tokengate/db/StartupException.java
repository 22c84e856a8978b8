package io.tokengate.db;

/**
 * A start-up failure that a user can act on: its message is one line saying what failed and what
 * to change. Printed without a stack trace.
 */
public final class StartupException extends RuntimeException {

  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
