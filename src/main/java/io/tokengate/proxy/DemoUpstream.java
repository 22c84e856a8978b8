package io.tokengate.proxy;

import io.tokengate.config.GatewayConfig;
import io.tokengate.config.RouteConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;

/**
 * Gives the routes whose upstream is {@code demo} a real address: in dev mode the
 * {@link DemoUpstreamVerticle}, started on a free loopback port; in prod mode none (each such route
 * is left out with one warning). Called once by the composition root before the HTTP verticles.
 */
public final class DemoUpstream {

  private static final Logger LOG = LoggerFactory.getLogger(DemoUpstream.class);

  private DemoUpstream() {
  }

  /** {@code config} with its demo routes resolved (dev) or removed (prod). */
  public static Future<GatewayConfig> attach(Vertx vertx, GatewayConfig config) {
    if (config.routes().stream().noneMatch(RouteConfig::demo)) {
      return Future.succeededFuture(config);
    }
    if (!config.mode().isDev()) {
      config.routes().stream().filter(RouteConfig::demo).forEach(route ->
          LOG.warn("Route \"{}\" ({}) skipped: upstream \"demo\" exists in dev mode only; give it a real upstream URL",
              route.name(), route.path()));
      return Future.succeededFuture(config.withRoutes(config.routes().stream().filter(route -> !route.demo()).toList()));
    }
    DemoUpstreamVerticle demo = new DemoUpstreamVerticle();
    return vertx.deployVerticle(demo).map(id -> {
      URI address = URI.create("http://127.0.0.1:" + demo.port());
      LOG.info("Dev mode: demo upstream on {}", address);
      List<RouteConfig> routes = config.routes().stream()
          .map(route -> route.demo() ? route.withUpstream(address) : route)
          .toList();
      return config.withRoutes(routes);
    });
  }
}
