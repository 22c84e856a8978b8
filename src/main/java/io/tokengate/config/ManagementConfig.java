package io.tokengate.config;

import java.util.Set;

/**
 * The management listener (metrics and health), apart from the public port so it can stay private.
 * {@code requestMetrics}: per-request HTTP server and client (upstream) metrics, which cost a
 * measurable share of CPU per proxied request (vertx-micrometer looks meters up per request).
 */
public record ManagementConfig(String host, int port, boolean requestMetrics) {

  static ManagementConfig fromJson(ConfigReader in, Mode mode) {
    in.onlyKeys(Set.of("host", "port", "request_metrics"));
    String host = in.string("host", "127.0.0.1");
    if (!host.isEmpty()) {
      HttpConfig.requireLoopbackInDev(in, host, mode);
    }
    return new ManagementConfig(host.isEmpty() ? "127.0.0.1" : host, in.integer("port", 9090, 0, 65535),
        in.bool("request_metrics", true));
  }
}
