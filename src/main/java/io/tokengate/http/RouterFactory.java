package io.tokengate.http;

import io.tokengate.auth.CookieRefreshTransport;
import io.tokengate.auth.LoginClient;
import io.tokengate.auth.RefreshTransport;
import io.tokengate.auth.TokenCodec;
import io.tokengate.auth.TokenEndpoints;
import io.tokengate.auth.TokenRepository;
import io.tokengate.auth.TokenService;
import io.tokengate.config.GatewayConfig;
import io.tokengate.revocation.Revocations;
import io.tokengate.users.UserRepository;
import io.tokengate.web.HomepageRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/**
 * Builds the public router: token API, gateway routes, homepage, and the one failure handler.
 * A plain factory that the HTTP verticle and the tests both call. One router per event loop.
 */
public final class RouterFactory {

  private RouterFactory() {
  }

  public static Router create(Vertx vertx, GatewayConfig config, Pool pool, Revocations revocations) {
    Router router = Router.router(vertx);
    TokenCodec codec = new TokenCodec(vertx, config.jwt());
    UserRepository users = new UserRepository(pool, config.users().table(), config.jwt().userIdField());
    TokenService tokens = new TokenService(codec, config.jwt(), new TokenRepository(pool), users, revocations);

    RefreshTransport transport = config.web().refreshCookie()
        ? new CookieRefreshTransport(config.jwt().refreshTokenLifetime().toSeconds())
        : RefreshTransport.body();
    new TokenEndpoints(new LoginClient(vertx), tokens, new ClientAddress(config.http().trustedProxies()),
        config.http().maxBodySize(), config.http().requestTimeout().toMillis(), transport).mount(router);
    new HomepageRoutes(vertx, config).mount(router);

    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(new FailureHandler());
    return router;
  }
}
