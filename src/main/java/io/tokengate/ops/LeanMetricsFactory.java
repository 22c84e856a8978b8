package io.tokengate.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;

/**
 * vertx-micrometer's metrics (pools, event bus, JVM, TCP), except the HTTP servers' per-request
 * metrics, which {@link ServerRequestMetrics} records with meters bound once per series. Only
 * when {@code serverRequests} is on; otherwise the HTTP servers record nothing per request.
 */
final class LeanMetricsFactory implements VertxMetricsFactory {

  private final VertxMetricsFactory delegate;
  private final MeterRegistry registry;
  private final boolean serverRequests;

  LeanMetricsFactory(VertxMetricsFactory delegate, MeterRegistry registry, boolean serverRequests) {
    this.delegate = delegate;
    this.registry = registry;
    this.serverRequests = serverRequests;
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    VertxMetrics metrics = delegate.metrics(options);
    return new VertxMetrics() {
      @Override
      public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions serverOptions, SocketAddress localAddress) {
        return serverRequests ? new ServerRequestMetrics(registry) : null;
      }

      @Override
      public EventBusMetrics createEventBusMetrics() {
        return metrics.createEventBusMetrics();
      }

      @Override
      public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type, String namespace) {
        return metrics.createClientMetrics(remoteAddress, type, namespace);
      }

      @Override
      public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions clientOptions) {
        return metrics.createHttpClientMetrics(clientOptions);
      }

      @Override
      public TCPMetrics<?> createNetServerMetrics(NetServerOptions serverOptions, SocketAddress localAddress) {
        return metrics.createNetServerMetrics(serverOptions, localAddress);
      }

      @Override
      public TCPMetrics<?> createNetClientMetrics(NetClientOptions clientOptions) {
        return metrics.createNetClientMetrics(clientOptions);
      }

      @Override
      public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions socketOptions) {
        return metrics.createDatagramSocketMetrics(socketOptions);
      }

      @Override
      public PoolMetrics<?, ?> createPoolMetrics(String type, String name, int maxSize) {
        return metrics.createPoolMetrics(type, name, maxSize);
      }

      @Override
      public void vertxCreated(Vertx vertx) {
        metrics.vertxCreated(vertx);
      }

      @Override
      public boolean isMetricsEnabled() {
        return metrics.isMetricsEnabled();
      }

      @Override
      public void close() {
        metrics.close();
      }
    };
  }

  @Override
  public MetricsOptions newOptions() {
    return delegate.newOptions();
  }
}
