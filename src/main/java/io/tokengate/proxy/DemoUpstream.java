package io.tokengate.proxy;

import io.tokengate.config.GatewayConfig;
import io.tokengate.config.RouteConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;

/**
 * Gives the routes whose upstream is {@code demo} a real address: in dev mode the
 * {@link DemoUpstreamVerticle}, started on a free loopback port the first time a route needs it
 * and reused afterwards (a route reload never starts a second one); in prod mode none (each such
 * route is left out with one warning). Called by the composition root before the HTTP verticles,
 * and by the route reloader; thread-safe.
 */
public final class DemoUpstream {

  private static final Logger LOG = LoggerFactory.getLogger(DemoUpstream.class);

  private final Vertx vertx;
  private Future<URI> address;

  public DemoUpstream(Vertx vertx) {
    this.vertx = vertx;
  }

  /** {@code config} with its demo routes resolved (dev) or removed (prod), with a one-off demo upstream. */
  public static Future<GatewayConfig> attach(Vertx vertx, GatewayConfig config) {
    return new DemoUpstream(vertx).resolve(config);
  }

  /** {@code config} with its demo routes resolved (dev) or removed (prod). */
  public Future<GatewayConfig> resolve(GatewayConfig config) {
    if (config.routes().stream().noneMatch(RouteConfig::demo)) {
      return Future.succeededFuture(config);
    }
    if (!config.mode().isDev()) {
      config.routes().stream().filter(RouteConfig::demo).forEach(route ->
          LOG.warn("Route \"{}\" ({}) skipped: upstream \"demo\" exists in dev mode only; give it a real upstream URL",
              route.name(), route.path()));
      return Future.succeededFuture(config.withRoutes(config.routes().stream().filter(route -> !route.demo()).toList()));
    }
    return address().map(uri -> config.withRoutes(config.routes().stream()
        .map(route -> route.demo() ? route.withUpstream(uri) : route)
        .toList()));
  }

  private synchronized Future<URI> address() {
    if (address == null || address.failed()) {
      DemoUpstreamVerticle demo = new DemoUpstreamVerticle();
      address = vertx.deployVerticle(demo).map(id -> {
        URI uri = URI.create("http://127.0.0.1:" + demo.port());
        LOG.info("Dev mode: demo upstream on {}", uri);
        return uri;
      });
    }
    return address;
  }
}
