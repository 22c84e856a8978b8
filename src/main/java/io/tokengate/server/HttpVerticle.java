package io.tokengate.server;

import io.tokengate.config.GatewayConfig;
import io.tokengate.ops.GatewayMetrics;
import io.tokengate.revocation.Revocations;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The public HTTP listener, deployed once per event loop; each instance has its own router and
 * shares the named pg pool. Reports the port it bound to {@code boundPort}. Stopping it is
 * graceful: no new connections, in-flight requests get up to {@code http.shutdown_timeout}.
 * {@link #useRoutes} replaces the router (a route reload): requests already inside the old router
 * finish there, with its upstream clients, which are shut down gracefully later.
 */
public final class HttpVerticle extends VerticleBase {

  private final GatewayConfig config;
  private final Pool pool;
  private final Revocations revocations;
  private final AtomicInteger openConnections;
  private final GatewayMetrics metrics;
  private final int port;
  private final IntConsumer boundPort;
  private HttpServer server;
  /** Read and replaced on this verticle's event loop only. */
  private RouterFactory.PublicRouter current;

  public HttpVerticle(GatewayConfig config, Pool pool, Revocations revocations, AtomicInteger openConnections,
                      GatewayMetrics metrics, int port, IntConsumer boundPort) {
    this.config = config;
    this.pool = pool;
    this.revocations = revocations;
    this.openConnections = openConnections;
    this.metrics = metrics;
    this.port = port;
    this.boundPort = boundPort;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = ServerOptionsFactory.create(config.http(), port);
    ConnectionGuard guard = new ConnectionGuard(vertx, openConnections, config.http().maxConnections(), config.http().headerTimeout(),
        new AllowedHosts(config.http().allowedHosts()), options);
    current = RouterFactory.build(vertx, config, pool, revocations, metrics);
    server = vertx.createHttpServer(options)
        .connectionHandler(guard::onConnection)
        .invalidRequestHandler(guard::onInvalidRequest)
        .requestHandler(request -> {
          if (guard.admit(request)) {
            current.handle(request);
          }
        });
    return server.listen().onSuccess(s -> boundPort.accept(s.actualPort()));
  }

  /**
   * Builds a router for {@code next} (same settings, new routes) on this verticle's event loop and
   * serves every later request with it. The old router's upstream clients are shut down after
   * {@code http.shutdown_timeout}, each then giving its in-flight exchanges that long again: a
   * request that entered the old router (even one still queued for a pooled connection) finishes
   * there, and no connection is leaked. Callable from any thread.
   */
  public Future<Void> useRoutes(GatewayConfig next) {
    Promise<Void> swapped = Promise.promise();
    context.runOnContext(v -> {
      RouterFactory.PublicRouter replaced = current;
      try {
        current = RouterFactory.build(vertx, next, pool, revocations, metrics);
      } catch (RuntimeException e) {
        swapped.fail(e);
        return;
      }
      long grace = Math.max(1, config.http().shutdownTimeout().toMillis());
      vertx.setTimer(grace, id -> replaced.upstreamClients().forEach(client -> client.shutdown(grace, TimeUnit.MILLISECONDS)));
      swapped.complete();
    });
    return swapped.future();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture()
        : server.shutdown(config.http().shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }
}
