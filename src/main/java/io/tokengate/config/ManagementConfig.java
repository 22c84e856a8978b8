package io.tokengate.config;

import java.util.Set;

/** The management listener (metrics and health), apart from the public port so it can stay private. */
public record ManagementConfig(String host, int port) {

  static ManagementConfig fromJson(ConfigReader in) {
    in.onlyKeys(Set.of("host", "port"));
    String host = in.string("host", "127.0.0.1");
    return new ManagementConfig(host.isEmpty() ? "127.0.0.1" : host, in.integer("port", 9090, 0, 65535));
  }
}
