package io.tokengate.config;

import java.time.Duration;
import java.util.Set;

/** The public HTTP listener. */
/** {@code shutdownTimeout}: how long a stopping gateway lets in-flight requests finish. */
public record HttpConfig(String host, int port, int instances, int maxBodySize, Duration shutdownTimeout) {

  static HttpConfig fromJson(ConfigReader in, Mode mode) {
    in.onlyKeys(Set.of("host", "port", "instances", "max_body_size", "shutdown_timeout"));
    String host = in.string("host", "");
    if (host.isEmpty()) {
      host = mode.isDev() ? "127.0.0.1" : "0.0.0.0";
    }
    return new HttpConfig(
        host,
        in.integer("port", 8000, 0, 65535),
        in.integer("instances", 0, 0, 256),
        in.integer("max_body_size", 16 * 1024, 1024, 16 * 1024 * 1024),
        in.duration("shutdown_timeout", Duration.ofSeconds(30), Duration.ZERO));
  }
}
