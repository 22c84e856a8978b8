package io.tokengate.ops;

import io.tokengate.config.GatewayConfig;
import io.tokengate.db.StartupException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operations side of a gateway, deployed by the composition root: the management listener
 * (metrics, health) and the housekeeping job, plus the readiness flags the root sets as it goes.
 * {@link #deploy} blocks: main or test thread only.
 */
public final class Operations {

  private final ReadinessChecks readiness;
  private final int managementPort;

  private Operations(ReadinessChecks readiness, int managementPort) {
    this.readiness = readiness;
    this.managementPort = managementPort;
  }

  /** Blocking: start-up only, from the composition root on the main (or a test) thread, never an event loop. */
  public static Operations deploy(Vertx vertx, GatewayConfig config, Pool pool, GatewayMetrics metrics) {
    ReadinessChecks readiness = new ReadinessChecks(pool);
    readiness.migrated().await();
    AtomicInteger port = new AtomicInteger();
    try {
      vertx.deployVerticle(new ManagementVerticle(config.management(), metrics, readiness, port::set)).await();
    } catch (Exception e) { // await() rethrows the bind failure as it is, checked or not
      throw new StartupException("Cannot open the management port " + config.management().host() + ":"
          + config.management().port() + " (" + e.getMessage() + "; change management.port / TOKENGATE_MANAGEMENT_PORT)", e);
    }
    return new Operations(readiness, port.get());
  }

  public ReadinessChecks readiness() {
    return readiness;
  }

  public int managementPort() {
    return managementPort;
  }
}
