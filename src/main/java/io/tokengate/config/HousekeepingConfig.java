package io.tokengate.config;

import java.time.Duration;
import java.util.Set;

/** The purge of expired tokens: how often it runs and how many rows one DELETE may take. */
public record HousekeepingConfig(Duration interval, int batchSize) {

  static HousekeepingConfig fromJson(ConfigReader in) {
    in.onlyKeys(Set.of("interval", "batch_size"));
    return new HousekeepingConfig(
        in.duration("interval", Duration.ofHours(1), Duration.ofSeconds(1)),
        in.integer("batch_size", 1000, 1, 100_000));
  }
}
