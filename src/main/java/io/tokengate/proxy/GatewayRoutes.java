package io.tokengate.proxy;

import io.tokengate.config.GatewayConfig;
import io.tokengate.revocation.Revocations;
import io.tokengate.config.RouteConfig;
import io.tokengate.config.RouteConfig.AuthMode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.proxy.handler.ProxyHandler;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Mounts the configured upstream routes on a router, longest path prefix first (so the longest
 * wins), each a chain {@code normal path -> authenticate -> claim rules -> identity headers -> proxy}.
 * No {@code BodyHandler}: bodies stream through. Each route gets its own keep-alive
 * {@link HttpClient}, built once per router (one router per event loop); {@link #clients()} lists
 * them so that a replaced router's connections can be closed. Routes whose upstream is still the
 * unresolved {@code demo} are left out (the composition root warns about them).
 */
public final class GatewayRoutes {

  private final Vertx vertx;
  private final GatewayConfig config;
  private final JWTAuth auth;
  private final Revocations revocations;
  private final List<HttpClient> clients = new ArrayList<>();

  public GatewayRoutes(Vertx vertx, GatewayConfig config, JWTAuth auth, Revocations revocations) {
    this.vertx = vertx;
    this.config = config;
    this.auth = auth;
    this.revocations = revocations;
  }

  public void mount(Router router) {
    List<RouteConfig> routes = config.routes().stream()
        .filter(route -> !route.upstreams().isEmpty())
        .sorted(Comparator.comparingInt((RouteConfig route) -> route.path().length()).reversed())
        .toList();
    for (RouteConfig route : routes) {
      mount(router, route);
    }
  }

  private void mount(Router router, RouteConfig route) {
    Route chain = router.route().pathRegex(prefixPattern(route.path()));
    guard(chain, route, config, auth, revocations).handler(ProxyHandler.create(proxy(route)));
  }

  /**
   * Everything a route does before the proxy: the normal-path check, the access token (unless
   * {@code auth: none}), the claim rules and the identity headers. The JMH pipeline benchmark
   * measures this same chain.
   */
  static Route guard(Route chain, RouteConfig route, GatewayConfig config, JWTAuth auth, Revocations revocations) {
    chain.handler(GatewayRoutes::requireNormalPath);
    if (route.auth() != AuthMode.NONE) {
      AccessTokenHandler tokens = new AccessTokenHandler(auth, config.jwt().authHeaderTypes(),
          config.jwt().userIdClaim(), route.auth() == AuthMode.REQUIRED, revocations);
      chain.handler(tokens).handler(tokens::accept).failureHandler(tokens::failed);
    }
    ClaimRules.of(route).ifPresent(chain::handler);
    return chain.handler(new IdentityHeaders(route, config.jwt().userIdClaim()));
  }

  /** The upstream clients {@link #mount} built, one per route. */
  public List<HttpClient> clients() {
    return List.copyOf(clients);
  }

  /** Every path starting with {@code prefix}, but never one below the token API (the gateway's own, even under /api/). */
  static String prefixPattern(String prefix) {
    return "(?!" + Pattern.quote(RouteConfig.TOKEN_API_PREFIX) + ")" + Pattern.quote(prefix) + ".*";
  }

  private HttpProxy proxy(RouteConfig route) {
    HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client(route))
        .origin(new UpstreamSelector(route.name(), route.upstreams(), route.timeout(),
            new UpstreamHealth(route.upstreams().size(), UpstreamHealth.DEFAULT_DOWN_FOR, System::nanoTime)))
        .addInterceptor(new UpstreamFailures(route.name()))
        .addInterceptor(new ForwardedHeaders(), true);
    if (route.stripPrefix()) {
      proxy.addInterceptor(new StripPrefix(route.path()), true);
    }
    return proxy;
  }

  private HttpClient client(RouteConfig route) {
    HttpClient client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setDecompressionSupported(false))
        .with(new PoolOptions().setHttp1MaxSize(route.maxConnections()))
        .build();
    clients.add(client);
    return client;
  }

  /**
   * Routes match on the normalized path but the upstream gets the raw one: refuse a request whose
   * two paths differ (dot segments and the like), so the gateway and the upstream never disagree
   * about which route a path belongs to.
   */
  private static void requireNormalPath(RoutingContext ctx) {
    String uri = ctx.request().uri();
    if (uri == null || !uri.startsWith("/") || !ctx.request().path().equals(ctx.normalizedPath())) {
      ctx.fail(400);
      return;
    }
    ctx.next();
  }
}
