package io.tokengate.config;

import java.util.Set;

/**
 * How log lines look: one JSON object per line, or readable text (empty means json in prod, text
 * in dev); and whether every request gets an access-log line.
 */
public record LoggingConfig(Format format, boolean accessLog) {

  public LoggingConfig(Format format) {
    this(format, true);
  }

  /** The shape of every log line, application and access log alike. */
  public enum Format {
    JSON, TEXT
  }

  static LoggingConfig fromJson(ConfigReader in, Mode mode) {
    in.onlyKeys(Set.of("format", "access_log"));
    return new LoggingConfig(in.choice("format", Format.class, mode.isDev() ? Format.TEXT : Format.JSON),
        in.bool("access_log", true));
  }

  public boolean json() {
    return format == Format.JSON;
  }
}
