package io.tokengate.http;

import io.tokengate.config.GatewayConfig;
import io.tokengate.ops.GatewayMetrics;
import io.tokengate.revocation.Revocations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The public HTTP listener, deployed once per event loop; each instance has its own router and
 * shares the named pg pool. Reports the port it bound to {@code boundPort}. Stopping it is
 * graceful: no new connections, in-flight requests get up to {@code http.shutdown_timeout}.
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
    ConnectionGuard guard = new ConnectionGuard(vertx, openConnections, config.http().maxConnections(), config.http().headerTimeout());
    Router router = RouterFactory.create(vertx, config, pool, revocations, metrics);
    server = vertx.createHttpServer(options)
        .connectionHandler(guard::onConnection)
        .invalidRequestHandler(guard::onInvalidRequest)
        .requestHandler(request -> {
          if (guard.admit(request)) {
            router.handle(request);
          }
        });
    return server.listen().onSuccess(s -> boundPort.accept(s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture()
        : server.shutdown(config.http().shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }
}
