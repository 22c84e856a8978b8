package io.tokengate.config;

import java.time.Duration;
import java.util.Set;

/**
 * Hot reload of the {@code routes} section: whether SIGHUP and a changed configuration file
 * reload the routes, and how often the files are checked.
 */
public record RoutesReloadConfig(boolean enabled, Duration interval) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

  static RoutesReloadConfig fromJson(ConfigReader in) {
    in.onlyKeys(Set.of("enabled", "interval"));
    return new RoutesReloadConfig(
        in.bool("enabled", true),
        in.duration("interval", DEFAULT_INTERVAL, Duration.ofMillis(100)));
  }
}
