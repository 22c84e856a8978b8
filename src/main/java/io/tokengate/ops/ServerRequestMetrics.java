package io.tokengate.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The public HTTP server's per-request metrics, under the names and labels vertx-micrometer gives
 * them ({@code vertx_http_server_requests_total}, {@code _response_time_seconds},
 * {@code _response_bytes}, {@code _request_bytes}, {@code _request_resets_total},
 * {@code _active_requests}; labels {@code route}, {@code method}, {@code code}; plus
 * {@code _active_connections} and {@code _bytes_read_total}/{@code _bytes_written_total}), but with each
 * series' meters looked up once and kept: vertx-micrometer looks five meters up in the registry on
 * every request (through its meter filters), which was a tenth of a proxied request's CPU in the
 * profile. The route is what the request was routed to ({@code >}-joined when routed to more than
 * one named route, as vertx-micrometer does; the same route twice in a row counts once). Every label
 * value comes from a closed set ({@link MetricLabels}): made-up methods, odd status codes and paths
 * add no series. Thread-safe: one instance per server, called from its event loops.
 */
final class ServerRequestMetrics implements HttpServerMetrics<ServerRequestMetrics.Request, Void, Void> {

  private static final String PREFIX = "vertx.http.server.";

  private final MeterRegistry registry;
  private final LongAdder active = new LongAdder();
  private final LongAdder connections = new LongAdder();
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private final ConcurrentMap<String, Counter> resets = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, DistributionSummary> requestBytes = new ConcurrentHashMap<>();
  private final ConcurrentMap<Series, Meters> series = new ConcurrentHashMap<>();
  private final MetricLabels.Routes routes = new MetricLabels.Routes();

  ServerRequestMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(PREFIX + "active.requests", active, LongAdder::doubleValue)
        .description("Number of requests being processed")
        .register(registry);
    Gauge.builder(PREFIX + "active.connections", connections, LongAdder::doubleValue)
        .description("Number of opened connections to the server")
        .register(registry);
    // counted on every socket read and write: a plain LongAdder, read at scrape time
    FunctionCounter.builder(PREFIX + "bytes.read", bytesRead, LongAdder::doubleValue)
        .description("Bytes received by the server").register(registry);
    FunctionCounter.builder(PREFIX + "bytes.written", bytesWritten, LongAdder::doubleValue)
        .description("Bytes sent by the server").register(registry);
  }

  @Override
  public Void connected(io.vertx.core.net.SocketAddress remoteAddress, String remoteName) {
    connections.increment();
    return null;
  }

  @Override
  public void disconnected(Void socket, io.vertx.core.net.SocketAddress remoteAddress) {
    connections.decrement();
  }

  @Override
  public void bytesRead(Void socket, io.vertx.core.net.SocketAddress remoteAddress, long numberOfBytes) {
    bytesRead.add(numberOfBytes);
  }

  @Override
  public void bytesWritten(Void socket, io.vertx.core.net.SocketAddress remoteAddress, long numberOfBytes) {
    bytesWritten.add(numberOfBytes);
  }

  /** One request in progress. */
  static final class Request {
    /** Already a {@link MetricLabels#method} label. */
    final String method;
    final long started = System.nanoTime();
    String route;
    String lastRoute;
    boolean requestEnded;
    boolean responseEnded;

    Request(String method) {
      this.method = method;
    }
  }

  private record Series(String route, String method, String code) {
  }

  private record Meters(Counter requests, Timer time, DistributionSummary bytes) {
  }

  @Override
  public Request requestBegin(Void socket, HttpRequest request) {
    active.increment();
    return new Request(MetricLabels.method(request.method().name()));
  }

  @Override
  public void requestRouted(Request request, String route) {
    // a route taken again (the router runs a failed route's own failure handler) is not a new step
    if (route != null && !route.equals(request.lastRoute)) {
      request.route = request.route == null ? route : request.route + ">" + route;
      request.lastRoute = route;
    }
  }

  @Override
  public void requestEnd(Request request, HttpRequest httpRequest, long bytesRead) {
    requestBytes.computeIfAbsent(request.method, method -> DistributionSummary.builder(PREFIX + "request.bytes")
        .description("Size of requests in bytes").tag("method", method).register(registry)).record(bytesRead);
    request.requestEnded = true;
    if (request.responseEnded) {
      active.decrement();
    }
  }

  @Override
  public void requestReset(Request request) {
    resets.computeIfAbsent(request.method, method -> Counter.builder(PREFIX + "request.resets")
        .description("Number of request resets").tag("method", method).register(registry)).increment();
    if (!(request.requestEnded && request.responseEnded)) {
      active.decrement();
    }
    request.requestEnded = true;
    request.responseEnded = true;
  }

  @Override
  public void responseEnd(Request request, HttpResponse response, long bytesWritten) {
    Meters meters = series.computeIfAbsent(new Series(request.route == null ? "" : routes.label(request.route), request.method,
        MetricLabels.code(response.statusCode())), this::meters);
    meters.requests().increment();
    meters.time().record(System.nanoTime() - request.started, TimeUnit.NANOSECONDS);
    meters.bytes().record(bytesWritten);
    request.responseEnded = true;
    if (request.requestEnded) {
      active.decrement();
    }
  }

  private Meters meters(Series key) {
    String[] tags = {"route", key.route(), "method", key.method(), "code", key.code()};
    return new Meters(
        Counter.builder(PREFIX + "requests").description("Number of processed requests").tags(tags).register(registry),
        Timer.builder(PREFIX + "response.time").description("Request processing time").tags(tags).register(registry),
        DistributionSummary.builder(PREFIX + "response.bytes").description("Size of responses in bytes").tags(tags)
            .register(registry));
  }
}
