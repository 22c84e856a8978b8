package io.tokengate.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One gateway's meter registry and its own counters. Vert.x's metrics (HTTP server and client,
 * pg pool, JVM) go to the same registry, so one scrape shows everything. One instance per Vert.x
 * instance, passed through constructors: several gateways may share a JVM (tests). Thread-safe.
 */
public final class GatewayMetrics {

  /** Outcomes of {@code POST /api/token/}. */
  public enum Login { SUCCESS, BAD_CREDENTIALS, THROTTLED, BUSY, ERROR }

  /** Outcomes of {@code POST /api/token/refresh/}. */
  public enum Refresh { SUCCESS, INVALID, BLACKLISTED, REUSE, INACTIVE_USER, ERROR }

  /** Why refresh tokens were revoked: the blacklist endpoint, reuse of a rotated token (its family), a user logged out everywhere. */
  public enum Revocation { BLACKLIST, REUSE, USER }

  /** Outcomes of a reload of the routes section (SIGHUP or a changed file). */
  public enum RouteReload { APPLIED, REFUSED, UNCHANGED }

  private final PrometheusMeterRegistry registry;
  private final boolean requestMetrics;
  private final Map<Login, Counter> logins;
  private final Map<Refresh, Counter> refreshes;
  private final Map<Revocation, Counter> revocations;
  private final Map<RouteReload, Counter> routeReloads;

  /**
   * Registers the gateway's counters at zero; build the Vert.x instance on {@code registry} first
   * (see {@link #newVertx}). {@code requestMetrics}: whether proxied requests are measured
   * ({@link #upstream}).
   */
  public GatewayMetrics(PrometheusMeterRegistry registry, boolean requestMetrics) {
    this.registry = registry;
    this.requestMetrics = requestMetrics;
    this.logins = counters(Login.class, "tokengate.logins", "outcome", "Logins by outcome");
    this.refreshes = counters(Refresh.class, "tokengate.refreshes", "outcome", "Token refreshes by outcome");
    this.revocations = counters(Revocation.class, "tokengate.revocations", "reason", "Refresh tokens revoked, by reason");
    this.routeReloads = counters(RouteReload.class, "tokengate.route.reloads", "outcome", "Reloads of the routes section, by outcome");
    FunctionCounter.builder("tokengate.access.log.dropped", this, metrics -> accessLogDropped())
        .description("Access-log lines dropped because the log's queue was full")
        .register(registry);
  }

  /** {@code tokengate_transport_info{transport="epoll"} 1}: the Netty transport the event loops use. */
  public void transport(String name) {
    Gauge.builder("tokengate.transport.info", () -> 1).tag("transport", name)
        .description("The Netty transport in use (nio, epoll, io_uring)")
        .register(registry);
  }

  /** The access log's appender is process-wide (logback): looked up at each scrape. */
  private static double accessLogDropped() {
    AccessLogAppender appender = AccessLogAppender.find();
    return appender == null ? 0 : appender.dropped();
  }

  /**
   * A registry whose timers (HTTP server latency, pool waits) are exported as Prometheus
   * histograms unless a timer says otherwise; byte-size summaries stay plain (a histogram each
   * would be hundreds of series).
   */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return id.getType() == Meter.Type.TIMER && config.isPercentileHistogram() == null
            ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config)
            : config;
      }
    });
    return registry;
  }

  /**
   * A Vert.x instance whose metrics land in this registry. The HTTP server's per-request metrics
   * (route, method and status labels) come from {@link ServerRequestMetrics}, and Vert.x's HTTP
   * client metrics are off: the proxy measures its upstream calls itself ({@link #upstream}); both
   * bind their meters once per series instead of looking them up per request. No {@code remote}
   * label, so no client address ever becomes a series. Instances
   * with the same labels share one gauge (Vert.x sums them; Micrometer warns once, harmlessly, and
   * logback.xml silences it). The registry name is unique: Vert.x keeps registries in a static map
   * by name. Vert.x adds meter filters to the registry, so call this before registering any meter.
   */
  public static Vertx newVertx(PrometheusMeterRegistry registry, VertxOptions options, boolean requestMetrics, Transport transport) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName("tokengate-" + UUID.randomUUID())
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME,
            Label.CLIENT_NAME))
        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT);
    if (!requestMetrics) {
      metrics.addDisabledMetricsCategory(MetricsDomain.NET_SERVER).addDisabledMetricsCategory(MetricsDomain.NET_CLIENT);
    }
    return Vertx.builder()
        .with(options.setMetricsOptions(metrics))
        .withMetrics(new LeanMetricsFactory(new MicrometerMetricsFactory(registry), registry, requestMetrics))
        .withTransport(transport)
        .build();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The meters of one route's upstream ({@code host:port}); {@link UpstreamMeters#NONE} when request metrics are off. */
  public UpstreamMeters upstream(String route, String upstream) {
    return requestMetrics ? new UpstreamMeters(registry, route, upstream) : UpstreamMeters.NONE;
  }

  public void login(Login outcome) {
    logins.get(outcome).increment();
  }

  public void refresh(Refresh outcome) {
    refreshes.get(outcome).increment();
  }

  public void revoked(Revocation reason, int tokens) {
    if (tokens > 0) {
      revocations.get(reason).increment(tokens);
    }
  }

  public void routeReload(RouteReload outcome) {
    routeReloads.get(outcome).increment();
  }

  private <E extends Enum<E>> Map<E, Counter> counters(Class<E> type, String name, String tag, String description) {
    return Stream.of(type.getEnumConstants()).collect(Collectors.toUnmodifiableMap(Function.identity(),
        value -> Counter.builder(name).description(description).tag(tag, value.name().toLowerCase())
            .register((MeterRegistry) registry)));
  }
}
