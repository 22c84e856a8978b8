package io.tokengate.ops;

import io.tokengate.config.ManagementConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.util.function.IntConsumer;

/**
 * The management listener on {@code management.host:port}: {@code GET /metrics} (Prometheus text
 * format), {@code GET /health/live}, {@code GET /health/ready}. Deploy one instance; it reports
 * the port it bound to {@code boundPort}.
 */
public final class ManagementVerticle extends VerticleBase {

  private final ManagementConfig config;
  private final GatewayMetrics metrics;
  private final ReadinessChecks checks;
  private final IntConsumer boundPort;
  private HttpServer server;

  public ManagementVerticle(ManagementConfig config, GatewayMetrics metrics, ReadinessChecks checks, IntConsumer boundPort) {
    this.config = config;
    this.metrics = metrics;
    this.checks = checks;
    this.boundPort = boundPort;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics.registry()));
    router.get("/health/live").handler(checks.liveHandler(vertx));
    router.get("/health/ready").handler(checks.readyHandler(vertx));
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()))
        .requestHandler(router);
    return server.listen().onSuccess(s -> boundPort.accept(s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
