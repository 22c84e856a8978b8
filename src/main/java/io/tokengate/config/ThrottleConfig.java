package io.tokengate.config;

import java.time.Duration;
import java.util.Set;

/**
 * Login throttling (OWASP: per account and per client). {@code usernameLimit} failed logins for one
 * username, or {@code clientLimit} from one client address, within {@code window} block further
 * attempts until the oldest of them leaves the window.
 */
public record ThrottleConfig(boolean enabled, Duration window, int usernameLimit, int clientLimit) {

  static ThrottleConfig fromJson(ConfigReader in) {
    in.onlyKeys(Set.of("enabled", "window", "username_limit", "client_limit"));
    return new ThrottleConfig(
        in.bool("enabled", true),
        in.duration("window", Duration.ofMinutes(15), Duration.ofSeconds(1)),
        in.integer("username_limit", 5, 1, 1_000_000),
        in.integer("client_limit", 50, 1, 1_000_000));
  }
}
