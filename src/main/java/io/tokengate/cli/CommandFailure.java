package io.tokengate.cli;

/** A command that could not do what it was asked; its message is the one line the user sees. */
public final class CommandFailure extends RuntimeException {

  public CommandFailure(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
