package io.tokengate.cli;

import io.tokengate.Gateway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** Runs the gateway until the process is stopped (SIGTERM/SIGINT close it). */
@Command(name = "serve", description = "Run the gateway (the default command).")
public final class ServeCommand implements Callable<Integer> {

  @Mixin
  ConfigOptions config;

  @Override
  public Integer call() {
    Gateway gateway = Gateway.start(config.load());
    Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "tokengate-shutdown"));
    return 0;
  }
}
