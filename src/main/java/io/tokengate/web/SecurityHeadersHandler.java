package io.tokengate.web;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Puts the browser security headers on pages and assets: a strict Content-Security-Policy (no
 * inline script or style, nothing from other origins, no framing), {@code nosniff},
 * {@code no-referrer} and {@code X-Frame-Options: DENY}. Runs on the event loop, then continues
 * the chain.
 */
public final class SecurityHeadersHandler implements Handler<RoutingContext> {

  public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  @Override
  public void handle(RoutingContext ctx) {
    apply(ctx.response());
    ctx.next();
  }

  /** Sets the headers on a response that is not written yet (also used by the error pages). */
  public static void apply(HttpServerResponse response) {
    MultiMap headers = response.headers();
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Frame-Options", "DENY");
  }
}
