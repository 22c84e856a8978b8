package io.tokengate.server;

import io.tokengate.http.FailureHandler;
import io.tokengate.http.RequestFraming;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connection-level limits for one HTTP verticle: at most {@code maxConnections} open connections
 * per process (counted across verticles); every request head of a connection, not only the first,
 * within {@code headerTimeout} of the connection opening or of the previous response ending (no
 * slowloris, also on keep-alive connections); and, before any routing, JSON answers for requests
 * the HTTP decoder refuses (431, 414, 400), for ambiguous body framing ({@link RequestFraming}, 400
 * and the connection closes; both lengths on HTTP/1.1 already fail in the {@link StrictRequestDecoder})
 * and for a {@code Host} not in {@code http.allowed_hosts} (400).
 * The head deadlines are kept without a timer per connection: one periodic sweep (a quarter of
 * the timeout) while connections wait for a head. Runs on its verticle's event loop; only the
 * process-wide counter is shared.
 */
public final class ConnectionGuard {

  private final Vertx vertx;
  private final AtomicInteger open;
  private final int maxConnections;
  private final long headerTimeoutNanos;
  private final long sweepMillis;
  private final AllowedHosts allowedHosts;
  private final HttpServerOptions serverOptions;
  /** Every open connection of this verticle that is not a WebSocket tunnel, with what it is doing. */
  private final Map<HttpConnection, Waiting> connections = new HashMap<>();
  private long sweeper = -1;

  /** A connection: the request it serves (null: waiting for a head since {@code since}). */
  private static final class Waiting {
    HttpServerRequest current;
    long since;
  }

  /** {@code serverOptions}: the listener's, for the {@link StrictRequestDecoder} each HTTP/1.x connection gets. */
  public ConnectionGuard(Vertx vertx, AtomicInteger open, int maxConnections, Duration headerTimeout,
                         AllowedHosts allowedHosts, HttpServerOptions serverOptions) {
    this.vertx = vertx;
    this.open = open;
    this.maxConnections = maxConnections;
    this.headerTimeoutNanos = headerTimeout.toNanos();
    this.sweepMillis = Math.max(25, headerTimeout.toMillis() / 4);
    this.allowedHosts = allowedHosts;
    this.serverOptions = serverOptions;
  }

  /** For {@code HttpServer.connectionHandler}. */
  public void onConnection(HttpConnection connection) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      connection.close();
      return;
    }
    StrictRequestDecoder.install(connection, serverOptions);
    Waiting waiting = new Waiting();
    waiting.since = System.nanoTime();
    connections.put(connection, waiting);
    if (sweeper == -1) {
      sweeper = vertx.setPeriodic(sweepMillis, id -> sweep());
    }
    connection.closeHandler(v -> {
      open.decrementAndGet();
      connections.remove(connection);
    });
  }

  /**
   * Closes the connections whose next request head is late. A connection whose exchange (request
   * and response) has ended since the last sweep starts waiting now (at most a quarter of the
   * timeout late).
   */
  private void sweep() {
    long now = System.nanoTime();
    for (Iterator<Map.Entry<HttpConnection, Waiting>> it = connections.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<HttpConnection, Waiting> entry = it.next();
      Waiting waiting = entry.getValue();
      if (waiting.current != null) {
        if (!waiting.current.response().ended() || !waiting.current.isEnded()) {
          // still answering, or still receiving a body (an early answer): not waiting for a head yet
          continue;
        }
        waiting.current = null;
        waiting.since = now;
      } else if (now - waiting.since >= headerTimeoutNanos) {
        it.remove();
        entry.getKey().close();
      }
    }
    if (connections.isEmpty()) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
  }

  /**
   * Call first for every request: its head arrived in time. Returns false when the request was
   * answered here: a path that does not percent-decode, ambiguous framing, a Host not allowed.
   */
  public boolean admit(HttpServerRequest request) {
    Waiting waiting = connections.get(request.connection());
    boolean upgrade = request.canUpgradeToWebSocket();
    if (waiting != null) {
      if (upgrade || request.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
        // a tunnel may be quiet for ever; HTTP/2 streams share a connection (its own idle timeout applies)
        connections.remove(request.connection());
      } else {
        waiting.current = request;
      }
    }
    if (!RequestFraming.unambiguous(request.version(), request.headers(), upgrade)) {
      FailureHandler.refuse(request, 400, "Bad request.", "bad_framing", true);
      return false;
    }
    if (!allowedHosts.any() && !(allowedHosts.allows(request.getHeader(HttpHeaders.HOST))
        && (request.authority() == null || allowedHosts.allows(request.authority().toString())))) {
      // the authority may also come from an absolute-form request target
      FailureHandler.refuse(request, 400, "Host not allowed.", "host_not_allowed", false);
      return false;
    }
    String path = request.path();
    if (path != null && path.indexOf('%') >= 0) {
      try {
        QueryStringDecoder.decodeComponent(path);
      } catch (IllegalArgumentException e) {
        FailureHandler.refuse(request, 400, "Malformed request path.", null, false);
        return false;
      }
    }
    return true;
  }


  /** For {@code HttpServer.invalidRequestHandler}: DRF-style JSON instead of an empty error. */
  public void onInvalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = 400;
    String detail = "Bad request.";
    if (cause instanceof TooLongFrameException) {
      boolean line = cause.getClass().getSimpleName().contains("Line");
      status = line ? 414 : 431;
      detail = line ? "Request URI too long." : "Request header fields too large.";
    }
    request.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(new JsonObject().put("detail", detail).encode())
        .onComplete(v -> request.connection().close());
  }
}
