package io.tokengate.proxy;

import io.tokengate.auth.TokenCodec;
import io.tokengate.config.CorsConfig;
import io.tokengate.config.GatewayConfig;
import io.tokengate.config.RouteConfig;
import io.tokengate.config.RouteConfig.AuthMode;
import io.tokengate.ops.GatewayMetrics;
import io.tokengate.revocation.Revocations;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The gateway's proxied routes, each a {@link Route} of the public router on its path prefix
 * (longest prefix first, so the longest match wins; prefix matching, no regex), with the chain
 * <pre>
 * {@link NormalPathHandler} -> (CorsHandler, for cors:) -> {@link AccessTokenHandler} (JWTAuthHandler)
 *   -> {@link AdmissionHandler} -> (extra handlers) -> {@link Forwarder}
 * </pre>
 * (no authentication or admission for {@code auth: none}) and a {@link ProxyFailureHandler} that
 * answers every refusal with Simple JWT's JSON. Mount them after the token API and JWKS routes
 * and the {@link #reserve} guards, so no route ever takes the gateway's own paths. Each route has
 * its own keep-alive {@link HttpClient}; {@link #clients()} lists them so that a replaced
 * instance's connections can be closed. Routes whose upstream is still the unresolved
 * {@code demo} are left out (the composition root warns about them). One instance per event loop
 * (built with its router); runs on that loop.
 */
public final class GatewayRoutes {

  private final List<Mounted> routes = new ArrayList<>();
  private final List<HttpClient> clients = new ArrayList<>();

  private record Mounted(RouteConfig config, NormalPathHandler path, CorsHandler cors, AccessTokenHandler tokens,
                         AdmissionHandler admission, Forwarder forwarder) {
  }

  public GatewayRoutes(Vertx vertx, GatewayConfig config, TokenCodec codec, Revocations revocations, GatewayMetrics metrics) {
    config.routes().stream()
        .filter(route -> !route.upstreams().isEmpty())
        .sorted(Comparator.comparingInt((RouteConfig route) -> route.path().length()).reversed())
        .forEach(route -> {
          boolean protectedRoute = route.auth() != AuthMode.NONE;
          boolean required = route.auth() == AuthMode.REQUIRED;
          ProxyRoute proxyRoute = new ProxyRoute(route, config);
          routes.add(new Mounted(route,
              new NormalPathHandler(route.path()),
              route.cors() == null ? null : cors(route.cors()),
              protectedRoute ? new AccessTokenHandler(codec.auth(), config.jwt().authHeaderTypes(), required) : null,
              protectedRoute ? new AdmissionHandler(config.jwt().userIdClaim(), required, ClaimRules.of(route).orElse(null),
                  revocations) : null,
              new Forwarder(vertx, route.name(), route.upstreams(), route.timeout(), client(vertx, route),
                  new UpstreamHealth(route.upstreams().size(), UpstreamHealth.DEFAULT_DOWN_FOR, System::nanoTime), metrics,
                  proxyRoute)));
        });
  }

  /**
   * Keeps the gateway's own paths from every proxied route, whatever the method: the token API
   * ({@code prefix} and below) and {@code exact}. Mount after the token API and JWKS routes and
   * before {@link #mount}; a request they did not take is a 404.
   */
  public static void reserve(Router router, String prefix, String exact) {
    router.route(prefix + "*").handler(ctx -> {
      if (ctx.normalizedPath().startsWith(prefix)) {
        ctx.fail(404);
      } else {
        // vertx-web also matches the prefix without its final slash: not ours
        ctx.next();
      }
    });
    router.route(exact).handler(ctx -> ctx.fail(404));
  }

  /** Mounts every route on {@code router}, longest prefix first. */
  public void mount(Router router) {
    mount(router, (config, route) -> {
    });
  }

  /**
   * Mounts every route on {@code router}, longest prefix first; {@code extra} may add handlers to
   * each route (it gets the route's configuration and its {@link Route}): they run after admission
   * ({@code ctx.user()} is the caller) and before the upstream is called. An extra handler that
   * works asynchronously gets the request paused when it has a body, and must leave it so.
   */
  public void mount(Router router, BiConsumer<RouteConfig, Route> extra) {
    for (Mounted mounted : routes) {
      Route route = router.route(mounted.config().path() + "*").setName(mounted.config().path());
      route.handler(mounted.path());
      if (mounted.cors() != null) {
        route.handler(mounted.cors());
      }
      if (mounted.tokens() != null) {
        route.handler(mounted.tokens()).handler(mounted.admission());
      }
      extra.accept(mounted.config(), route);
      route.handler(mounted.forwarder());
      route.failureHandler(new ProxyFailureHandler(mounted.tokens() != null));
    }
  }

  /** The upstream clients this instance built, one per route. */
  public List<HttpClient> clients() {
    return List.copyOf(clients);
  }

  private static CorsHandler cors(CorsConfig config) {
    CorsHandler handler = CorsHandler.create().addOrigins(config.allowedOrigins())
        .allowCredentials(config.allowCredentials());
    LinkedHashSet<HttpMethod> methods = new LinkedHashSet<>();
    for (String method : config.allowedMethods()) {
      methods.add(HttpMethod.valueOf(method));
    }
    handler.allowedMethods(methods).allowedHeaders(new LinkedHashSet<>(config.allowedHeaders()));
    if (!config.exposedHeaders().isEmpty()) {
      handler.exposedHeaders(new LinkedHashSet<>(config.exposedHeaders()));
    }
    if (!config.maxAge().isZero()) {
      handler.maxAgeSeconds((int) config.maxAge().toSeconds());
    }
    return handler;
  }

  private HttpClient client(Vertx vertx, RouteConfig route) {
    HttpClient client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setDecompressionSupported(false))
        .with(new PoolOptions().setHttp1MaxSize(route.maxConnections()))
        .build();
    clients.add(client);
    return client;
  }
}
