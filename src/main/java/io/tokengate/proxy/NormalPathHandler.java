package io.tokengate.proxy;

import io.tokengate.http.ApiException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * The first handler of every proxied route: the request's path must already be in normal form
 * (the route was matched on the normal form, the upstream would get the raw one: the two must
 * never disagree), under the route's prefix (vertx-web also lets {@code /p} into a route on
 * {@code /p/}), and a {@code Transfer-Encoding} other than exactly {@code chunked} cannot be relayed
 * safely: 400 (404 outside the prefix). A request with a body or a WebSocket upgrade is paused here,
 * so nothing is read (and lost) before the {@link Forwarder} is ready for it. A vertx-web platform
 * handler, so the route's CorsHandler (a security policy handler) may follow it. Runs on the event loop.
 */
final class NormalPathHandler implements PlatformHandler {

  private static final ApiException BAD_REQUEST = ApiException.detail(400, "Bad request.");

  private final String prefix;

  NormalPathHandler(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String normal = ctx.normalizedPath();
    if (!normal.startsWith(prefix)) {
      ctx.fail(404);
      return;
    }
    String uri = request.uri();
    if (!normal.equals(request.path()) || uri == null || !uri.startsWith("/") || !validTransferEncoding(request)) {
      ctx.fail(BAD_REQUEST);
      return;
    }
    if (Forwarder.hasBody(request) || request.canUpgradeToWebSocket()) {
      request.pause();
    }
    ctx.next();
  }

  /** Transfer-Encoding, when present, must be exactly chunked (anything else cannot be relayed safely). */
  private static boolean validTransferEncoding(HttpServerRequest request) {
    String encoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
    return encoding == null || "chunked".equalsIgnoreCase(encoding.strip());
  }
}
