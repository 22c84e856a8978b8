package io.tokengate.config;

import java.util.Set;

/** How log lines look: one JSON object per line, or readable text. Empty means json in prod, text in dev. */
public record LoggingConfig(Format format) {

  /** The shape of every log line, application and access log alike. */
  public enum Format {
    JSON, TEXT
  }

  static LoggingConfig fromJson(ConfigReader in, Mode mode) {
    in.onlyKeys(Set.of("format"));
    return new LoggingConfig(in.choice("format", Format.class, mode.isDev() ? Format.TEXT : Format.JSON));
  }

  public boolean json() {
    return format == Format.JSON;
  }
}
