package io.tokengate.proxy;

import io.tokengate.auth.TokenCodec;
import io.tokengate.config.GatewayConfig;
import io.tokengate.config.RouteConfig;
import io.tokengate.config.RouteConfig.AuthMode;
import io.tokengate.revocation.Revocations;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * One configured route, ready for requests: who may pass ({@link AccessTokens} unless
 * {@code auth: none}, then {@link ClaimRules}), what the upstream is told ({@link OutboundHeaders})
 * and which URI it gets ({@code strip_prefix}). The chain before the network, so the JMH pipeline
 * benchmark measures exactly this. One instance per route and event loop.
 */
final class ProxyRoute {

  private final RouteConfig config;
  private final AccessTokens tokens;
  private final ClaimRules rules;
  private final OutboundHeaders headers;

  ProxyRoute(RouteConfig config, GatewayConfig gateway, TokenCodec codec, Revocations revocations) {
    this.config = config;
    this.tokens = config.auth() == AuthMode.NONE ? null : new AccessTokens(codec, gateway.jwt().authHeaderTypes(),
        gateway.jwt().userIdClaim(), config.auth() == AuthMode.REQUIRED, revocations);
    this.rules = ClaimRules.of(config).orElse(null);
    this.headers = new OutboundHeaders(config, gateway.jwt().userIdClaim(), gateway.http().tls().enabled());
  }

  RouteConfig config() {
    return config;
  }

  String prefix() {
    return config.path();
  }

  /**
   * The caller's verified claims (null: anonymous, on a route that allows it), or a failure with
   * the {@code ApiException} to answer (401, or 403 for a broken claim rule). Completes at once
   * for a token verified before.
   */
  Future<JsonObject> admit(HttpServerRequest request) {
    Future<JsonObject> claims = tokens == null ? Future.succeededFuture() : tokens.authenticate(request);
    if (rules == null) {
      return claims;
    }
    if (claims.isComplete()) {
      return claims.failed() ? claims : check(claims.result());
    }
    return claims.compose(this::check);
  }

  private Future<JsonObject> check(JsonObject claims) {
    if (claims == null) {
      return Future.failedFuture(AuthErrors.notProvided());
    }
    return rules.allows(claims) ? Future.succeededFuture(claims) : Future.failedFuture(AuthErrors.forbidden());
  }

  /** The headers the upstream gets for {@code request} from a caller with {@code claims}. */
  MultiMap upstreamHeaders(HttpServerRequest request, JsonObject claims, String requestId, boolean upgrade) {
    return headers.build(request, claims, requestId, upgrade);
  }

  /** The URI the upstream gets: the client's, below the prefix when {@code strip_prefix} (always starting with {@code /}). */
  String upstreamUri(String uri) {
    if (!config.stripPrefix() || !uri.startsWith(config.path())) {
      return uri;
    }
    String rest = uri.substring(config.path().length());
    return rest.startsWith("/") ? rest : "/" + rest;
  }
}
