package io.tokengate.config;

/**
 * A configuration value that cannot be used. The message names the key and says what is wrong,
 * in one line, so start-up can print it without a stack trace.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String key, String problem) {
    super(key + ": " + problem);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
