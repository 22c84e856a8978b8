package io.tokengate.keys;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /.well-known/jwks.json}: the public keys that verify our tokens, so upstream services
 * can check them without sharing a secret. HMAC keys are never published ({@code {"keys": []}}).
 * The document is built once; runs on the event loop.
 */
public final class JwksHandler implements Handler<RoutingContext> {

  public static final String PATH = "/.well-known/jwks.json";

  private final String body;

  public JwksHandler(KeyRing keys) {
    this.body = keys.jwksJson();
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=300")
        .end(body);
  }
}
