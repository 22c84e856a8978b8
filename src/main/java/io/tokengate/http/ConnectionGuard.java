package io.tokengate.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connection-level limits for one HTTP verticle: at most {@code maxConnections} open connections
 * per process (counted across verticles), the first request head within {@code headerTimeout}
 * (no slowloris), and JSON answers for requests the HTTP decoder refuses (431, 414, 400).
 * Runs on its verticle's event loop; only the process-wide counter is shared.
 */
public final class ConnectionGuard {

  private final Vertx vertx;
  private final AtomicInteger open;
  private final int maxConnections;
  private final long headerTimeoutMillis;
  private final Map<HttpConnection, Long> awaitingFirstRequest = new HashMap<>();

  public ConnectionGuard(Vertx vertx, AtomicInteger open, int maxConnections, Duration headerTimeout) {
    this.vertx = vertx;
    this.open = open;
    this.maxConnections = maxConnections;
    this.headerTimeoutMillis = headerTimeout.toMillis();
  }

  /** For {@code HttpServer.connectionHandler}. */
  public void onConnection(HttpConnection connection) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      connection.close();
      return;
    }
    long timer = vertx.setTimer(headerTimeoutMillis, id -> {
      if (awaitingFirstRequest.remove(connection) != null) {
        connection.close();
      }
    });
    awaitingFirstRequest.put(connection, timer);
    connection.closeHandler(v -> {
      open.decrementAndGet();
      Long pending = awaitingFirstRequest.remove(connection);
      if (pending != null) {
        vertx.cancelTimer(pending);
      }
    });
  }

  /**
   * Call first for every request: its head arrived in time. Returns false when the request was
   * answered here (a path that does not percent-decode is a JSON 400, before any routing).
   */
  public boolean admit(HttpServerRequest request) {
    if (!awaitingFirstRequest.isEmpty()) {
      Long pending = awaitingFirstRequest.remove(request.connection());
      if (pending != null) {
        vertx.cancelTimer(pending);
      }
    }
    String path = request.path();
    if (path != null && path.indexOf('%') >= 0) {
      try {
        QueryStringDecoder.decodeComponent(path);
      } catch (IllegalArgumentException e) {
        request.response().setStatusCode(400).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("detail", "Malformed request path.").encode());
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
