package io.tokengate.auth;

/**
 * A token that cannot be used, with Simple JWT's message for why ({@code Token is invalid or
 * expired}, {@code Token has wrong type}, ...). Expected: carries no stack trace.
 */
public final class TokenException extends RuntimeException {

  public static final String INVALID = "Token is invalid or expired";
  public static final String WRONG_TYPE = "Token has wrong type";
  public static final String NO_TYPE = "Token has no type";
  public static final String NO_ID = "Token has no id";
  public static final String BLACKLISTED = "Token is blacklisted";

  public TokenException(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
