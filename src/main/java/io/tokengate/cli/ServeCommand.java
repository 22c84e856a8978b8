package io.tokengate.cli;

import io.tokengate.server.Gateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;

import java.util.concurrent.Callable;

/**
 * Runs the gateway until the process is stopped. SIGTERM and SIGINT close it gracefully (see
 * {@link Gateway#close()}) and exit with status 0; any other JVM exit still closes it through a
 * shutdown hook. SIGHUP reloads the routes (see {@link Gateway#reloadRoutes()}).
 */
@Command(name = "serve", description = "Run the gateway (the default command).")
public final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin
  ConfigOptions config;

  @Override
  public Integer call() {
    Gateway gateway = Gateway.start(config.source());
    Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "tokengate-shutdown"));
    // A shutdown hook alone would exit with 143 on SIGTERM; an orderly stop is a success.
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        gateway.close();
        System.exit(0);
      });
    }
    try {
      Signal.handle(new Signal("HUP"), signal -> gateway.reloadRoutes()
          .onFailure(e -> LOG.warn("SIGHUP ignored: {}", e.getMessage())));
    } catch (IllegalArgumentException e) { // no SIGHUP on this platform, or the JVM reserves it (-Xrs)
      LOG.info("SIGHUP not available ({}): routes reload on a file change only", e.getMessage());
    }
    return 0;
  }
}
