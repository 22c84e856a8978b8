package io.tokengate.http;

import io.tokengate.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.sqlclient.Pool;

import java.util.function.IntConsumer;

/**
 * The public HTTP listener, deployed once per event loop; each instance has its own router and
 * shares the named pg pool. Reports the port it bound to {@code boundPort}.
 */
public final class HttpVerticle extends VerticleBase {

  private final GatewayConfig config;
  private final Pool pool;
  private final int port;
  private final IntConsumer boundPort;
  private HttpServer server;

  public HttpVerticle(GatewayConfig config, Pool pool, int port, IntConsumer boundPort) {
    this.config = config;
    this.pool = pool;
    this.port = port;
    this.boundPort = boundPort;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(port)
        .setCompressionSupported(true)
        // Vert.x 5.0.x h2c + compression: after one uncompressed response on a connection, later
        // responses say "gzip" but are sent plain (eclipse-vertx/vert.x#5896). Stay on HTTP/1.1.
        .setHttp2ClearTextEnabled(false)
        .setTcpNoDelay(true)
        .setIdleTimeout(120);
    server = vertx.createHttpServer(options).requestHandler(RouterFactory.create(vertx, config, pool));
    return server.listen().onSuccess(s -> boundPort.accept(s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
