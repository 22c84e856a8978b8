package io.tokengate.proxy;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dev-mode demo upstream: a loopback HTTP server that answers every request with the identity
 * the gateway gave it, as JSON: {@code message}, {@code user_id}, {@code headers} (the
 * {@code X-Auth-*} and {@code X-Request-Id} it received), {@code path}, {@code method}.
 */
public final class DemoUpstreamVerticle extends VerticleBase {

  private HttpServer server;

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(DemoUpstreamVerticle::answer);
    return server.listen();
  }

  /** The port it listens on, once started. */
  public int port() {
    return server.actualPort();
  }

  private static void answer(HttpServerRequest request) {
    Map<String, Object> identity = new TreeMap<>();
    request.headers().forEach(header -> {
      String lower = header.getKey().toLowerCase(Locale.ROOT);
      if (lower.startsWith("x-auth-") || lower.equals("x-request-id")) {
        identity.put(header.getKey(), header.getValue());
      }
    });
    JsonObject body = new JsonObject()
        .put("message", "Hello from the demo upstream")
        .put("user_id", request.getHeader(OutboundHeaders.USER_ID))
        .put("headers", new JsonObject(identity))
        .put("path", request.path())
        .put("method", request.method().name());
    request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encodePrettily());
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
