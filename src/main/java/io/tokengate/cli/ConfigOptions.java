package io.tokengate.cli;

import io.tokengate.config.ConfigLoader;
import io.tokengate.config.ConfigSource;
import io.tokengate.config.GatewayConfig;
import io.vertx.core.Vertx;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --config FILE} option every command shares, and loading the configuration with it. */
public final class ConfigOptions {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML file read on top of the defaults (it need only hold what it changes)")
  Path file;

  /** Where the configuration comes from: the defaults, this file and the process environment (read again on a route reload). */
  public ConfigSource source() {
    return new ConfigSource(file, System.getenv());
  }

  /** Loads and validates the configuration; blocking (main thread). */
  public GatewayConfig load() {
    Vertx vertx = Vertx.vertx();
    try {
      return new ConfigLoader(vertx).load(file, System.getenv()).await();
    } finally {
      vertx.close().await();
    }
  }
}
