package io.tokengate.proxy;

import io.tokengate.config.GatewayConfig;
import io.tokengate.config.RouteConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * One configured route, ready for requests: its prefix, what the upstream is told
 * ({@link OutboundHeaders}) and which URI it gets ({@code strip_prefix}). Who may pass is the
 * route's handler chain ({@link GatewayRoutes}). Immutable; one instance per route and event loop.
 */
final class ProxyRoute {

  private final String prefix;
  private final boolean stripPrefix;
  private final OutboundHeaders headers;

  ProxyRoute(RouteConfig config, GatewayConfig gateway) {
    this.prefix = config.path();
    this.stripPrefix = config.stripPrefix();
    this.headers = new OutboundHeaders(config, gateway.jwt().userIdClaim(), gateway.http().tls().enabled());
  }

  String prefix() {
    return prefix;
  }

  /** Adds to {@code out} the headers the upstream gets for {@code request} from a caller with {@code claims}. */
  void upstreamHeaders(HttpServerRequest request, JsonObject claims, String requestId, boolean upgrade, MultiMap out) {
    headers.build(request, claims, requestId, upgrade, out);
  }

  /** The caller's user id (the configured claim), or null. */
  Object userId(JsonObject claims) {
    return headers.userId(claims);
  }

  /** The URI the upstream gets: the client's, below the prefix when {@code strip_prefix} (always starting with {@code /}). */
  String upstreamUri(String uri) {
    if (!stripPrefix || !uri.startsWith(prefix)) {
      return uri;
    }
    String rest = uri.substring(prefix.length());
    return rest.startsWith("/") ? rest : "/" + rest;
  }
}
