package io.tokengate.proxy;

import io.tokengate.auth.TokenCodec;
import io.tokengate.config.GatewayConfig;
import io.tokengate.config.RouteConfig;
import io.tokengate.http.ApiException;
import io.tokengate.http.FailureHandler;
import io.tokengate.keys.JwksHandler;
import io.tokengate.ops.AccessLog;
import io.tokengate.ops.GatewayMetrics;
import io.tokengate.revocation.Revocations;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.internal.net.RFC3986;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The gateway's proxied routes, served ahead of the router: the hot path of a gateway, so it takes
 * no {@code RoutingContext}, no handler chain and no {@code User}. {@link #handle} matches the
 * longest configured path prefix (never the gateway's own token API or JWKS), refuses a path that
 * is not in normal form, admits the caller ({@link ProxyRoute#admit}), builds the upstream's
 * headers and hands the request to the route's {@link Forwarder}; refusals are the same JSON the
 * router's failure handler writes. Each route has its own keep-alive {@link HttpClient};
 * {@link #clients()} lists them so that a replaced instance's connections can be closed. Routes
 * whose upstream is still the unresolved {@code demo} are left out (the composition root warns
 * about them). One instance per event loop (built with its router); runs on that loop.
 */
public final class GatewayRoutes {

  private final List<Mounted> routes = new ArrayList<>();
  private final List<HttpClient> clients = new ArrayList<>();
  private final AccessLog accessLog;
  private final String userIdClaim;

  private record Mounted(ProxyRoute route, Forwarder forwarder) {
  }

  public GatewayRoutes(Vertx vertx, GatewayConfig config, TokenCodec codec, Revocations revocations, GatewayMetrics metrics) {
    this.accessLog = config.logging().accessLog() ? new AccessLog(config.logging().json()) : null;
    this.userIdClaim = config.jwt().userIdClaim();
    config.routes().stream()
        .filter(route -> !route.upstreams().isEmpty())
        .sorted(Comparator.comparingInt((RouteConfig route) -> route.path().length()).reversed())
        .forEach(route -> routes.add(new Mounted(new ProxyRoute(route, config, codec, revocations),
            new Forwarder(vertx, route.name(), route.upstreams(), route.timeout(), client(vertx, route),
                new UpstreamHealth(route.upstreams().size(), UpstreamHealth.DEFAULT_DOWN_FOR, System::nanoTime), metrics))));
  }

  /** The upstream clients this instance built, one per route. */
  public List<HttpClient> clients() {
    return List.copyOf(clients);
  }

  /** Serves {@code request} if a proxied route takes its path; false leaves it to the router. */
  public boolean handle(HttpServerRequest request) {
    String path = request.path();
    if (path == null || routes.isEmpty()) {
      return false;
    }
    String normal;
    try {
      normal = RFC3986.normalizePath(path);
    } catch (IllegalArgumentException e) {
      return false;
    }
    Mounted mounted = match(normal);
    if (mounted == null) {
      return false;
    }
    serve(request, mounted, normal.equals(path));
    return true;
  }

  private Mounted match(String path) {
    if (path.startsWith(RouteConfig.TOKEN_API_PREFIX) || path.equals(JwksHandler.PATH)) {
      return null;
    }
    for (Mounted mounted : routes) {
      if (path.startsWith(mounted.route().prefix())) {
        return mounted;
      }
    }
    return null;
  }

  private void serve(HttpServerRequest request, Mounted mounted, boolean normalPath) {
    ProxyRoute route = mounted.route();
    request.routed(route.prefix());
    AccessLog.Entry log = accessLog == null ? null : accessLog.start(request);
    if (log != null) {
      HttpServerResponse response = request.response();
      // also called when the connection closes first: then the response is closed and the line says aborted
      response.endHandler(v -> log.finish(!response.closed()));
    }
    String uri = request.uri();
    if (!normalPath || uri == null || !uri.startsWith("/")) {
      // the route matched the normal form, but the upstream would get the raw one: never let the two disagree
      refuse(request, ApiException.detail(400, "Bad request."));
      return;
    }
    if (!validTransferEncoding(request)) {
      refuse(request, ApiException.detail(400, "Bad request."));
      return;
    }
    boolean hasBody = Forwarder.hasBody(request);
    boolean upgrade = request.canUpgradeToWebSocket();
    if (hasBody || upgrade) {
      // nothing may be read (and lost) before the forwarder is ready for it
      request.pause();
    }
    // a token verified before admits at once: this runs before the call returns
    route.admit(request).onComplete(admitted -> proceed(request, mounted, admitted, hasBody, upgrade, log));
  }

  private void proceed(HttpServerRequest request, Mounted mounted, AsyncResult<JsonObject> admitted, boolean hasBody,
                       boolean upgrade, AccessLog.Entry log) {
    if (admitted.failed()) {
      refuse(request, admitted.cause() instanceof ApiException api ? api : ApiException.detail(500, "A server error occurred."));
      return;
    }
    JsonObject claims = admitted.result();
    ProxyRoute route = mounted.route();
    if (log != null && claims != null) {
      log.userId(claims.getValue(userIdClaim));
    }
    mounted.forwarder().forward(request, route.upstreamUri(request.uri()),
        route.upstreamHeaders(request, claims, log == null ? null : log.id(), upgrade), hasBody, upgrade, log);
  }

  /**
   * A refused request: its JSON answer. A body the client is still sending is not read: the
   * connection closes after the answer rather than swallow it.
   */
  private static void refuse(HttpServerRequest request, ApiException error) {
    HttpServerResponse response = request.response();
    if (response.closed() || response.ended()) {
      return;
    }
    if (Forwarder.hasBody(request) && !request.isEnded()) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      request.resume();
    }
    FailureHandler.write(response, error);
  }

  /** Transfer-Encoding, when present, must be exactly chunked (anything else cannot be relayed safely). */
  private static boolean validTransferEncoding(HttpServerRequest request) {
    String encoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
    return encoding == null || "chunked".equalsIgnoreCase(encoding.strip());
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
