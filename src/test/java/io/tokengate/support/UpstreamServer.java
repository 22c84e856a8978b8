package io.tokengate.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real upstream for proxy tests, on 127.0.0.1 and a free port, with its own Vert.x. Records
 * every request (method, uri, headers as the upstream saw them, lower-case names). Behaviours:
 * {@link #json} answers the recorded request as JSON; {@link #silent} never answers;
 * {@link #echo} streams the request body back chunked. WebSockets are echoed; their handshake
 * headers are recorded too.
 */
public final class UpstreamServer implements AutoCloseable {

  /** One request as the upstream received it. */
  public record Seen(String method, String uri, JsonObject headers, int remotePort) {
    public String header(String name) {
      return headers.getString(name.toLowerCase(Locale.ROOT));
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final String name;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger openConnections = new java.util.concurrent.atomic.AtomicInteger();
  private HttpServer server;
  private long delayMillis;

  private UpstreamServer(String name) {
    this.name = name;
  }

  public static UpstreamServer json(String name) {
    return new UpstreamServer(name).listen(Behaviour.JSON);
  }

  /** Like {@link #json}, answering each request after {@code delayMillis}. */
  public static UpstreamServer delayedJson(String name, long delayMillis) {
    UpstreamServer server = new UpstreamServer(name);
    server.delayMillis = delayMillis;
    return server.listen(Behaviour.JSON);
  }

  public static UpstreamServer silent(String name) {
    return new UpstreamServer(name).listen(Behaviour.SILENT);
  }

  /** Answers 200 with a Content-Length of 1000, sends 10 bytes of it, then nothing more (a stalled body). */
  public static UpstreamServer stalling(String name) {
    return new UpstreamServer(name).listen(Behaviour.STALL);
  }

  public static UpstreamServer echo(String name) {
    return new UpstreamServer(name).listen(Behaviour.ECHO);
  }

  /** A loopback port nothing listens on (bound, then released). */
  public static int closedPort() {
    Vertx vertx = Vertx.vertx();
    try {
      NetServer server = vertx.createNetServer().connectHandler(socket -> socket.close());
      int port = server.listen(0, "127.0.0.1").await().actualPort();
      server.close().await();
      return port;
    } finally {
      vertx.close().await();
    }
  }

  private enum Behaviour { JSON, SILENT, ECHO, STALL }

  private UpstreamServer listen(Behaviour behaviour) {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .connectionHandler(connection -> {
          openConnections.incrementAndGet();
          connection.closeHandler(v -> openConnections.decrementAndGet());
        })
        .webSocketHandler(ws -> {
          seen.add(new Seen("WEBSOCKET", ws.uri(), headers(ws.headers()), ws.remoteAddress().port()));
          ws.textMessageHandler(ws::writeTextMessage);
          ws.binaryMessageHandler(ws::writeBinaryMessage);
        })
        .requestHandler(request -> {
          seen.add(new Seen(request.method().name(), request.uri(), headers(request.headers()), request.remoteAddress().port()));
          switch (behaviour) {
            case JSON -> request.body().onSuccess(body -> {
              String answer = new JsonObject().put("upstream", name).put("method", request.method().name())
                  .put("uri", request.uri()).put("body_length", body.length()).encode();
              if (delayMillis > 0) {
                vertx.setTimer(delayMillis, id -> request.response().putHeader("Content-Type", "application/json").end(answer));
              } else {
                request.response().putHeader("Content-Type", "application/json").end(answer);
              }
            });
            case SILENT -> { }
            case ECHO -> echo(request);
            case STALL -> request.response().putHeader("Content-Length", "1000").write("0123456789");
            default -> throw new IllegalStateException();
          }
        });
    server.listen().await();
    return this;
  }

  private void echo(HttpServerRequest request) {
    request.response().setChunked(true).putHeader("Content-Type", "application/octet-stream");
    request.handler(chunk -> {
      request.response().write(chunk);
      if (request.response().writeQueueFull()) {
        request.pause();
        request.response().drainHandler(v -> request.resume());
      }
    });
    request.endHandler(v -> request.response().end());
  }

  private static JsonObject headers(io.vertx.core.MultiMap headers) {
    JsonObject result = new JsonObject();
    headers.forEach(header -> {
      String key = header.getKey().toLowerCase(Locale.ROOT);
      String previous = result.getString(key);
      result.put(key, previous == null ? header.getValue() : previous + ", " + header.getValue());
    });
    return result;
  }

  /** A route (config JSON) named {@code name} on {@code path} that proxies to this server. */
  public JsonObject route(String name, String path) {
    return new JsonObject().put("name", name).put("path", path).put("upstream", url());
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    return server.actualPort();
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  public Seen last() {
    if (seen.isEmpty()) {
      throw new AssertionError("upstream " + name + " received no request");
    }
    return seen.get(seen.size() - 1);
  }

  /** The distinct client ports the recorded requests came from: one per connection. */
  public java.util.Set<Integer> remotePorts() {
    java.util.Set<Integer> ports = new java.util.HashSet<>();
    seen.forEach(s -> ports.add(s.remotePort()));
    return ports;
  }

  /** HTTP connections open to this server right now (the gateway's keep-alive pool, seen from the upstream). */
  public int openConnections() {
    return openConnections.get();
  }

  public void clear() {
    seen.clear();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
