package io.tokengate.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * The meters of one upstream of one route, looked up once when the route is built, so a proxied
 * request only increments them (Vert.x's own HTTP client metrics look every meter up in the
 * registry on every request: 15% of the gateway's CPU in the profile). Status counters are bound
 * on first use, per registered status code ({@code other} for any other: an upstream cannot add
 * series). {@link #NONE} records nothing ({@code management.request_metrics: false}).
 * Not thread-safe for binding: one instance per route, upstream and event loop.
 */
public final class UpstreamMeters {

  /** Records nothing. */
  public static final UpstreamMeters NONE = new UpstreamMeters();

  /** Why an upstream call failed. */
  public enum Failure { CONNECT, TIMEOUT, OTHER }

  private final MeterRegistry registry;
  private final String route;
  private final String upstream;
  private final Timer responseTime;
  private final Counter[] failures;
  private final Counter[] byStatus = new Counter[600];

  private UpstreamMeters() {
    this.registry = null;
    this.route = null;
    this.upstream = null;
    this.responseTime = null;
    this.failures = null;
  }

  UpstreamMeters(MeterRegistry registry, String route, String upstream) {
    this.registry = registry;
    this.route = route;
    this.upstream = upstream;
    // count, sum and max, no histogram: the server's per-route histogram has the distribution,
    // and a second histogram per request was the larger part of the proxy's metrics cost
    this.responseTime = Timer.builder("tokengate.upstream.response.time")
        .description("Time from sending a proxied request to the upstream's response head")
        .publishPercentileHistogram(false)
        .tags("route", route, "upstream", upstream)
        .register(registry);
    this.failures = new Counter[Failure.values().length];
    for (Failure failure : Failure.values()) {
      failures[failure.ordinal()] = Counter.builder("tokengate.upstream.errors")
          .description("Proxied requests that got no response from the upstream, by kind")
          .tags("route", route, "upstream", upstream, "kind", failure.name().toLowerCase())
          .register(registry);
    }
  }

  /** A response head arrived {@code nanos} after the request was sent. */
  public void responded(int status, long nanos) {
    if (registry == null) {
      return;
    }
    responseTime.record(nanos, TimeUnit.NANOSECONDS);
    String code = MetricLabels.code(status);
    int index = MetricLabels.OTHER.equals(code) ? 0 : status;
    Counter counter = byStatus[index];
    if (counter == null) {
      counter = Counter.builder("tokengate.upstream.requests")
          .description("Proxied requests answered by the upstream, by status")
          .tags("route", route, "upstream", upstream, "code", code)
          .register(registry);
      byStatus[index] = counter;
    }
    counter.increment();
  }

  public void failed(Failure failure) {
    if (registry != null) {
      failures[failure.ordinal()].increment();
    }
  }
}
