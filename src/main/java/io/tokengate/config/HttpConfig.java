package io.tokengate.config;

import java.util.List;
import java.util.Set;

/** The public HTTP listener. */
public record HttpConfig(String host, int port, int instances, int maxBodySize, List<String> trustedProxies) {

  static HttpConfig fromJson(ConfigReader in, Mode mode) {
    in.onlyKeys(Set.of("host", "port", "instances", "max_body_size", "trusted_proxies"));
    String host = in.string("host", "");
    if (host.isEmpty()) {
      host = mode.isDev() ? "127.0.0.1" : "0.0.0.0";
    }
    return new HttpConfig(
        host,
        in.integer("port", 8000, 0, 65535),
        in.integer("instances", 0, 0, 256),
        in.integer("max_body_size", 16 * 1024, 1024, 16 * 1024 * 1024),
        in.strings("trusted_proxies", List.of()));
  }
}
