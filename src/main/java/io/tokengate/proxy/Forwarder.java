package io.tokengate.proxy;

import io.tokengate.auth.TokenCodec;
import io.tokengate.http.ApiException;
import io.tokengate.http.HeaderNames;
import io.tokengate.http.FailureHandler;
import io.tokengate.http.RequestFraming;
import io.tokengate.ops.AccessLog;
import io.tokengate.ops.AccessLogHandler;
import io.tokengate.ops.GatewayMetrics;
import io.tokengate.ops.UpstreamMeters;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.Pipe;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a proxied request to one of a route's upstreams and relays the answer, streaming both
 * bodies with back-pressure, on Vert.x's {@link HttpClient} directly: no per-request copies of the
 * headers beyond the one {@link OutboundHeaders} builds, no interceptor chain.
 * <ul>
 *   <li><b>Choice:</b> round-robin, skipping an upstream that recently refused a connection
 *       ({@link UpstreamHealth}), and trying the next one when a connection cannot be made
 *       (nothing has been sent yet, so that is always safe).</li>
 *   <li><b>Timeouts:</b> the route's timeout as connect timeout and as idle timeout (no byte from the
 *       upstream for that long fails the request; not for WebSockets, which may be quiet), see
 *       {@link #track}.</li>
 *   <li><b>Failures</b> before the upstream's response began become JSON: {@code 504 upstream_timeout}
 *       for a timeout, {@code 502 upstream_unavailable} otherwise (also for a WebSocket upgrade). A
 *       failure after that, or a client that goes away, resets both sides: a half-relayed
 *       exchange is never passed off as complete, and its upstream connection is not reused.</li>
 *   <li><b>Framing</b> is the gateway's own: the request body goes with the length the gateway
 *       parsed, else chunked; an answer framed two ways ({@link RequestFraming#ambiguousResponse})
 *       is a 502 and its connection is closed. {@code Expect: 100-continue} is answered here once
 *       the request is admitted.</li>
 *   <li><b>Answer:</b> status and headers as the upstream sent them, minus hop-by-hop headers;
 *       a body of unknown length is chunked, or for an HTTP/1.0 client sent with a length when
 *       it ends within 64 KiB, else streamed and ended by closing the connection (never buffered whole).</li>
 *   <li><b>WebSockets:</b> the upgrade is forwarded; on {@code 101} the two connections are joined
 *       by a byte tunnel with back-pressure both ways, and closing one closes the other.</li>
 * </ul>
 * The terminal handler of a proxied route's chain ({@link #handle}), the way vertx-web's
 * {@code ProxyHandler} ends one: the caller is {@code ctx.user()} (or anonymous), the request
 * arrives paused when it has a body or an upgrade. One instance per route and event loop; runs on
 * that loop only.
 */
final class Forwarder implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

  static final ApiException BAD_GATEWAY = new ApiException(502,
      new JsonObject().put("detail", "Bad gateway").put("code", "upstream_unavailable"));
  static final ApiException GATEWAY_TIMEOUT = new ApiException(504,
      new JsonObject().put("detail", "Gateway timeout").put("code", "upstream_timeout"));

  /** The most of a body of unknown length gathered for an HTTP/1.0 client, to send with a length; a longer one is streamed. */
  static final int HTTP10_GATHER_LIMIT = 64 * 1024;

  /** Hop-by-hop response headers (RFC 9110 7.6.1): never relayed to the client. */
  private static final HeaderNames<Boolean> HOP_BY_HOP = HeaderNames.of(Map.of("connection", true, "keep-alive", true,
      "proxy-authenticate", true, "proxy-authorization", true, "te", true, "trailer", true, "transfer-encoding", true,
      "upgrade", true));

  /** One upstream: where to connect, its name in logs and metrics, its meters. */
  private record Target(URI uri, String host, int port, boolean ssl, String label, UpstreamMeters meters) {
  }

  private final Vertx vertx;
  private final String route;
  private final ProxyRoute proxyRoute;
  private final Target[] targets;
  private final HttpClient client;
  private final UpstreamHealth health;
  private final long timeoutMillis;
  private final long timeoutNanos;
  private final long sweepMillis;
  /** Exchanges waiting on their upstream, least recently active first: one timeout, so also deadline order. */
  private Exchange oldest;
  private Exchange newest;
  private long sweeper = -1;

  Forwarder(Vertx vertx, String route, List<URI> upstreams, Duration timeout, HttpClient client, UpstreamHealth health,
            GatewayMetrics metrics, ProxyRoute proxyRoute) {
    if (upstreams.isEmpty()) {
      throw new IllegalArgumentException("route " + route + " has no upstream");
    }
    this.vertx = vertx;
    this.route = route;
    this.proxyRoute = proxyRoute;
    this.client = client;
    this.health = health;
    this.timeoutMillis = Math.max(1, timeout.toMillis());
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    this.sweepMillis = Math.max(10, Math.min(1000, timeoutMillis / 10));
    this.targets = new Target[upstreams.size()];
    for (int i = 0; i < targets.length; i++) {
      URI uri = upstreams.get(i);
      boolean ssl = "https".equals(uri.getScheme());
      int port = uri.getPort() != -1 ? uri.getPort() : ssl ? 443 : 80;
      String label = uri.getHost() + ":" + port;
      targets[i] = new Target(uri, uri.getHost(), port, ssl, label, metrics.upstream(route, label));
    }
  }

  /** Forwards the admitted request of {@code ctx}: the route's upstream URI and headers, the caller's claims, the access log entry. */
  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    User user = ctx.user();
    JsonObject claims = user == null ? null : TokenCodec.claimsOf(user);
    AccessLog.Entry log = AccessLogHandler.entry(ctx);
    if (log != null && claims != null) {
      // the claims are at hand here: the access log need not look the user up again
      log.userId(proxyRoute.userId(claims));
    }
    boolean upgrade = request.canUpgradeToWebSocket();
    forward(request, proxyRoute.upstreamUri(request.uri()), claims, hasBody(request), upgrade, log);
  }

  /**
   * Forwards {@code request} (paused by the caller if it has a body) as {@code uri} for a caller
   * with {@code claims} (null: anonymous), and answers the client. {@code log}, when not null,
   * gives the request id and learns the upstream.
   */
  void forward(HttpServerRequest request, String uri, JsonObject claims, boolean hasBody, boolean upgrade, AccessLog.Entry log) {
    if (hasBody && request.version() == HttpVersion.HTTP_1_1 && !request.isEnded()
        && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      // admitted: now the client may send its body (the upstream never sees Expect)
      request.response().writeContinue();
    }
    new Exchange(request, uri, claims, hasBody, upgrade, log).attempt(health.nextOrder(), 0);
  }

  /** Whether a request has a body to stream: declared by Content-Length or Transfer-Encoding (HTTP/2: any method that may carry one). */
  static boolean hasBody(HttpServerRequest request) {
    MultiMap headers = request.headers();
    String length = headers.get(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      return !"0".equals(length);
    }
    if (headers.contains(HttpHeaders.TRANSFER_ENCODING)) {
      return true;
    }
    if (request.version() != HttpVersion.HTTP_2) {
      return false;
    }
    HttpMethod method = request.method();
    return !(method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS || method == HttpMethod.DELETE);
  }

  static boolean isTimeout(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof TimeoutException || e instanceof io.netty.channel.ConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The route's timeout as an idle timeout (no byte from the upstream for that long fails the
   * exchange: 504 before the response head, a reset after), kept without a timer per request: the
   * exchanges sit in a list in order of their last upstream activity, and one periodic sweep per
   * route and event loop (a tenth of the timeout, 10 ms to 1 s) expires them from its old end.
   */
  private void track(Exchange exchange) {
    exchange.tracked = true;
    exchange.lastActive = System.nanoTime();
    append(exchange);
    if (sweeper == -1) {
      sweeper = vertx.setPeriodic(sweepMillis, id -> sweep());
    }
  }

  private void touch(Exchange exchange) {
    if (!exchange.tracked) {
      return;
    }
    exchange.lastActive = System.nanoTime();
    if (exchange != newest) {
      unlink(exchange);
      append(exchange);
    }
  }

  private void untrack(Exchange exchange) {
    if (exchange.tracked) {
      exchange.tracked = false;
      unlink(exchange);
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    while (oldest != null && now - oldest.lastActive >= timeoutNanos) {
      Exchange expired = oldest;
      untrack(expired);
      expired.upstream.reset(0, new TimeoutException("no answer from the upstream for " + timeoutMillis + " ms"));
    }
    if (oldest == null) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
  }

  private void append(Exchange exchange) {
    exchange.older = newest;
    exchange.newer = null;
    if (newest != null) {
      newest.newer = exchange;
    } else {
      oldest = exchange;
    }
    newest = exchange;
  }

  private void unlink(Exchange exchange) {
    if (exchange.older != null) {
      exchange.older.newer = exchange.newer;
    } else {
      oldest = exchange.newer;
    }
    if (exchange.newer != null) {
      exchange.newer.older = exchange.older;
    } else {
      newest = exchange.older;
    }
    exchange.older = null;
    exchange.newer = null;
  }

  /** One request on its way through. */
  private final class Exchange {

    private final HttpServerRequest request;
    private final String uri;
    private final JsonObject claims;
    private final boolean hasBody;
    private final boolean upgrade;
    private final AccessLog.Entry log;
    private HttpClientRequest upstream;
    private Target target;
    private long sentAt;
    private long lastActive;
    private boolean tracked;
    private Exchange older;
    private Exchange newer;

    Exchange(HttpServerRequest request, String uri, JsonObject claims, boolean hasBody, boolean upgrade, AccessLog.Entry log) {
      this.request = request;
      this.uri = uri;
      this.claims = claims;
      this.hasBody = hasBody;
      this.upgrade = upgrade;
      this.log = log;
    }

    void attempt(int[] order, int position) {
      int index = order[position];
      Target candidate = targets[index];
      RequestOptions options = new RequestOptions()
          .setMethod(request.method())
          .setHost(candidate.host())
          .setPort(candidate.port())
          .setSsl(candidate.ssl())
          .setURI(uri)
          .setConnectTimeout(timeoutMillis);
      client.request(options).onComplete(connected -> {
        if (connected.succeeded()) {
          health.markUp(index);
          send(candidate, connected.result());
          return;
        }
        Throwable failure = connected.cause();
        if (failure instanceof ConnectException) {
          boolean wasDown = health.isDown(index);
          health.markDown(index);
          if (!wasDown) {
            LOG.warn("Route {}: upstream {} could not be reached; trying it last for {}s ({})", route, candidate.uri(),
                UpstreamHealth.DEFAULT_DOWN_FOR.toSeconds(), failure.getClass().getSimpleName());
          }
          if (position + 1 < order.length) {
            attempt(order, position + 1);
            return;
          }
        }
        fail(candidate, failure);
      });
    }

    private void send(Target chosen, HttpClientRequest outbound) {
      // built straight into the upstream request's headers: RequestOptions.setHeaders would copy them
      proxyRoute.upstreamHeaders(request, claims, log == null ? null : log.id(), upgrade, outbound.headers());
      upstream = outbound;
      target = chosen;
      if (log != null) {
        log.upstream(chosen.uri());
      }
      HttpServerResponse response = request.response();
      if (response.closed()) {
        outbound.reset();
        return;
      }
      response.closeHandler(v -> {
        untrack(this);
        outbound.reset();
      });
      sentAt = System.nanoTime();
      Future<HttpClientResponse> answered;
      if (upgrade) {
        answered = outbound.connect();
        request.resume();
      } else {
        track(this);
        if (hasBody) {
          // framing is the gateway's: the length it parsed (the decoder read exactly that), else chunked
          long length = RequestFraming.contentLength(request.headers());
          if (length >= 0) {
            outbound.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
          } else {
            outbound.setChunked(true);
          }
          Pipe<Buffer> body = request.pipe();
          body.endOnFailure(false);
          body.to(outbound).onFailure(e -> outbound.reset());
        } else {
          outbound.end();
        }
        answered = outbound.response();
      }
      answered.onComplete(answer -> {
        if (answer.succeeded()) {
          relay(answer.result());
        } else {
          fail(chosen, answer.cause());
        }
      });
    }

    private void relay(HttpClientResponse answer) {
      touch(this);
      if (RequestFraming.ambiguousResponse(answer.headers())) {
        // two readings of where this answer ends: neither is relayed, and the connection is not reused
        upstream.reset();
        fail(target, new IllegalStateException("ambiguous response framing: " + answer.headers().getAll(HttpHeaders.CONTENT_LENGTH)
            + " / " + answer.headers().getAll(HttpHeaders.TRANSFER_ENCODING)));
        return;
      }
      int status = answer.statusCode();
      target.meters().responded(status, System.nanoTime() - sentAt);
      HttpServerResponse response = request.response();
      if (upgrade && status == 101) {
        tunnel(answer);
        return;
      }
      response.setStatusCode(status);
      String message = answer.statusMessage();
      if (message != null && !message.equals(HttpResponseStatus.valueOf(status).reasonPhrase())) {
        // only an unusual reason phrase is copied: setting one builds a new status object
        response.setStatusMessage(message);
      }
      MultiMap out = response.headers();
      for (Map.Entry<String, String> header : answer.headers()) {
        if (!HOP_BY_HOP.contains(header.getKey())) {
          out.add(header.getKey(), header.getValue());
        }
      }
      String length = out.get(HttpHeaders.CONTENT_LENGTH);
      boolean gather = length != null && length.length() <= 4;
      boolean untilClose = false;
      if (length == null && mayHaveBody(status)) {
        // no chunked encoding for HTTP/1.0: a body of unknown length is gathered up to a bound, then streamed
        untilClose = request.version() == HttpVersion.HTTP_1_0;
        if (!untilClose) {
          response.setChunked(true);
        }
      }
      relayBody(answer, response, gather && mayHaveBody(status), untilClose);
    }

    /**
     * The body, chunk by chunk with back-pressure; each chunk is upstream activity (see
     * {@link #track}). With {@code gather}, the chunks are collected and sent with the head in one
     * write when the body ends: a small body (Content-Length of at most 9999 bytes), so head and
     * body leave in one write instead of two. With {@code untilClose} (a body of unknown length for
     * an HTTP/1.0 client) up to {@value #HTTP10_GATHER_LIMIT} bytes are gathered to send with a
     * Content-Length; a longer body is streamed with {@code Connection: close} and ends when the
     * connection closes: a client that does not read never makes the gateway hold more.
     */
    private void relayBody(HttpClientResponse answer, HttpServerResponse response, boolean gather, boolean untilClose) {
      Buffer[] gathered = new Buffer[1];
      boolean[] gathering = {gather || untilClose};
      answer.handler(chunk -> {
        touch(this);
        if (gathering[0]) {
          gathered[0] = gathered[0] == null ? chunk : gathered[0].appendBuffer(chunk);
          if (!untilClose || gathered[0].length() <= HTTP10_GATHER_LIMIT) {
            return;
          }
          gathering[0] = false;
          // after Vert.x's own Connection header, which says keep-alive to an HTTP/1.0 client that asked for it
          response.headersEndHandler(head -> response.headers().set(HttpHeaders.CONNECTION, HttpHeaders.CLOSE));
          chunk = gathered[0];
          gathered[0] = null;
        }
        response.write(chunk);
        if (response.writeQueueFull()) {
          answer.pause();
          response.drainHandler(v -> answer.resume());
        }
      });
      answer.exceptionHandler(e -> {
        untrack(this);
        upstream.reset();
        response.reset();
      });
      answer.endHandler(v -> {
        untrack(this);
        Future<Void> ended = gathered[0] == null ? response.end() : response.end(gathered[0]);
        if (untilClose && !gathering[0]) {
          // the client learns where the body ends from the close
          ended.onComplete(done -> request.connection().close());
        }
      });
    }

    private boolean mayHaveBody(int status) {
      return status >= 200 && status != 204 && status != 304 && request.method() != HttpMethod.HEAD;
    }

    private void tunnel(HttpClientResponse answer) {
      HttpServerResponse response = request.response();
      response.setStatusCode(101);
      response.headers().addAll(answer.headers());
      NetSocket server = answer.netSocket();
      request.toNetSocket().onComplete(accepted -> {
        if (accepted.failed()) {
          server.close();
          return;
        }
        NetSocket client = accepted.result();
        client.closeHandler(v -> server.close());
        server.closeHandler(v -> client.close());
        client.pipeTo(server).onFailure(e -> LOG.debug("Route {}: WebSocket tunnel ended: {}", route, e.toString()));
        server.pipeTo(client).onFailure(e -> LOG.debug("Route {}: WebSocket tunnel ended: {}", route, e.toString()));
      });
    }

    private void fail(Target failed, Throwable failure) {
      untrack(this);
      boolean timeout = isTimeout(failure);
      failed.meters().failed(timeout ? UpstreamMeters.Failure.TIMEOUT
          : failure instanceof ConnectException ? UpstreamMeters.Failure.CONNECT : UpstreamMeters.Failure.OTHER);
      HttpServerResponse response = request.response();
      if (response.closed()) {
        return;
      }
      if (response.headWritten()) {
        response.reset();
        return;
      }
      ApiException answer = timeout ? GATEWAY_TIMEOUT : BAD_GATEWAY;
      LOG.warn("Route {}: {} {} answered {}: {}", route, request.method(), request.path(), answer.status(), failure.toString());
      if (hasBody && !request.isEnded()) {
        // the rest of the body is not read: this connection cannot carry another request
        response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        request.resume();
      }
      FailureHandler.write(response, answer);
    }
  }
}
