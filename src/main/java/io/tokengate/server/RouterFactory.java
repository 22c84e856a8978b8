package io.tokengate.server;

import io.tokengate.http.ClientAddress;
import io.tokengate.http.FailureHandler;
import io.tokengate.http.PathPolicy;
import io.tokengate.auth.CookieRefreshTransport;
import io.tokengate.auth.LoginClient;
import io.tokengate.auth.RefreshTransport;
import io.tokengate.auth.TokenCodec;
import io.tokengate.auth.TokenEndpoints;
import io.tokengate.auth.TokenRepository;
import io.tokengate.auth.TokenService;
import io.tokengate.config.GatewayConfig;
import io.tokengate.config.RouteConfig;
import io.tokengate.keys.JwksHandler;
import io.tokengate.ops.AccessLogHandler;
import io.tokengate.ops.GatewayMetrics;
import io.tokengate.proxy.GatewayRoutes;
import io.tokengate.revocation.Revocations;
import io.tokengate.users.UserRepository;
import io.tokengate.web.HomepageRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * Builds the public router: access log, token API, JWKS, the proxied routes (each a route of this
 * router, see {@link GatewayRoutes}), homepage, and the one failure handler.
 * A plain factory that the HTTP verticle and the tests both call. One router per event loop.
 */
public final class RouterFactory {

  private RouterFactory() {
  }

  /**
   * The public request handling of one event loop: the path check, then the router; and the
   * upstream clients its proxied routes own (to close once this is replaced).
   */
  public record PublicRouter(GatewayRoutes gatewayRoutes, Router router, PathPolicy pathPolicy) {

    public void handle(HttpServerRequest request) {
      // a path that is not in normal form never reaches routing (PathPolicy answers 400 itself)
      if (pathPolicy.admit(request)) {
        router.handle(request);
      }
    }

    public List<HttpClient> upstreamClients() {
      return gatewayRoutes.clients();
    }
  }

  public static PublicRouter build(Vertx vertx, GatewayConfig config, Pool pool, Revocations revocations, GatewayMetrics metrics) {
    return build(vertx, config, pool, revocations, metrics, (route, chain) -> {
    });
  }

  /**
   * As {@link #build(Vertx, GatewayConfig, Pool, Revocations, GatewayMetrics)}, with {@code extra}
   * handlers on the proxied routes (see {@link GatewayRoutes#mount(Router, BiConsumer)}).
   */
  public static PublicRouter build(Vertx vertx, GatewayConfig config, Pool pool, Revocations revocations, GatewayMetrics metrics,
                                   BiConsumer<RouteConfig, Route> extra) {
    Router router = Router.router(vertx);
    if (config.logging().accessLog()) {
      router.route().handler(new AccessLogHandler(config.logging().json(), config.jwt().userIdClaim()));
    }
    TokenCodec codec = new TokenCodec(vertx, config.jwt());
    UserRepository users = new UserRepository(pool, config.users().table(), config.jwt().userIdField());
    TokenService tokens = new TokenService(codec, config.jwt(), new TokenRepository(pool, config.jwt().sharesSimplejwtBlacklist()), users, revocations, metrics);

    RefreshTransport transport = config.web().refreshCookie()
        ? new CookieRefreshTransport(config.jwt().refreshTokenLifetime().toSeconds())
        : RefreshTransport.body();
    new TokenEndpoints(new LoginClient(vertx), tokens, new ClientAddress(config.http().trustedProxies()),
        config.http().maxBodySize(), config.http().requestTimeout().toMillis(), transport).mount(router);
    router.get(JwksHandler.PATH).handler(new JwksHandler(config.jwt().keys()));
    // no proxied route takes the gateway's own paths, whatever the method
    GatewayRoutes.reserve(router, RouteConfig.TOKEN_API_PREFIX, JwksHandler.PATH);
    GatewayRoutes gatewayRoutes = new GatewayRoutes(vertx, config, codec, revocations, metrics);
    gatewayRoutes.mount(router, extra);
    new HomepageRoutes(vertx, config).mount(router);

    router.route().last().handler(ctx -> ctx.fail(404));
    FailureHandler failures = new FailureHandler();
    router.route().failureHandler(failures);
    // Requests no route could take (e.g. a path that does not decode) still get a JSON answer.
    for (int status : new int[] {400, 404, 405, 500}) {
      router.errorHandler(status, failures);
    }
    return new PublicRouter(gatewayRoutes, router, PathPolicy.of(config.routes()));
  }
}
