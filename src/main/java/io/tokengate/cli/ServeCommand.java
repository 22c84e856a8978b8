package io.tokengate.cli;

import io.tokengate.Gateway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;

import java.util.concurrent.Callable;

/**
 * Runs the gateway until the process is stopped. SIGTERM and SIGINT close it gracefully (see
 * {@link Gateway#close()}) and exit with status 0; any other JVM exit still closes it through a
 * shutdown hook.
 */
@Command(name = "serve", description = "Run the gateway (the default command).")
public final class ServeCommand implements Callable<Integer> {

  @Mixin
  ConfigOptions config;

  @Override
  public Integer call() {
    Gateway gateway = Gateway.start(config.load());
    Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "tokengate-shutdown"));
    // A shutdown hook alone would exit with 143 on SIGTERM; an orderly stop is a success.
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        gateway.close();
        System.exit(0);
      });
    }
    return 0;
  }
}
