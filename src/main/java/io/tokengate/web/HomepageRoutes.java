package io.tokengate.web;

import io.tokengate.config.GatewayConfig;
import io.tokengate.config.RouteConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

/**
 * The browser front door: {@code GET /} renders {@code index.hbs}, the assets under
 * {@code /css/}, {@code /js/}, {@code /img/} and {@code /favicon.svg} come from the webroot, both
 * with the security headers, and failed page requests get an HTML error page. One instance per
 * router (event loop).
 */
public final class HomepageRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(HomepageRoutes.class);
  static final String ASSET_PATHS = "^/(?:(?:css|js|img)/.+|favicon\\.svg)$";
  private static final String TITLE = "tokengate";

  private final GatewayConfig config;
  private final PageRenderer renderer;
  private final StaticHandler assets;
  private final AssetCacheHandler assetCache;
  private final JsonObject indexContext;

  public HomepageRoutes(Vertx vertx, GatewayConfig config) {
    this.config = config;
    this.renderer = new PageRenderer(vertx, config);
    this.assets = assetHandler(config);
    long maxAge = config.mode().isDev() ? 0 : config.web().assetMaxAge().toSeconds();
    this.assetCache = new AssetCacheHandler(vertx.fileSystem(), config.web().webroot(), maxAge);
    this.indexContext = indexContext(config);
  }

  public void mount(Router router) {
    SecurityHeadersHandler securityHeaders = new SecurityHeadersHandler();
    router.route("/").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(securityHeaders)
        .handler(this::index);
    router.routeWithRegex(ASSET_PATHS).method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(securityHeaders)
        .handler(assetCache)
        .handler(assets);
    List<String> routePaths = config.routes().stream().map(RouteConfig::path).toList();
    router.route().failureHandler(new ErrorPages(renderer, routePaths));
  }

  private void index(RoutingContext ctx) {
    renderer.render("index.hbs", indexContext)
        .onSuccess(html -> ctx.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
            .end(html))
        .onFailure(e -> {
          // Logged here and passed on as a plain 500: the failure handler would take the
          // template's IOException for a database outage (503).
          LOG.error("Cannot render the homepage from {}", renderer.directory(), e);
          ctx.fail(new HttpException(500, e));
        });
  }

  private static StaticHandler assetHandler(GatewayConfig config) {
    String root = config.web().webroot();
    StaticHandler handler = Path.of(root).isAbsolute()
        ? StaticHandler.create(FileSystemAccess.ROOT, root)
        : StaticHandler.create(root);
    // Cache headers come from AssetCacheHandler; StaticHandler would mark every file immutable.
    return handler
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        .setCachingEnabled(false);
  }

  static JsonObject indexContext(GatewayConfig config) {
    boolean dev = config.mode().isDev();
    return new JsonObject()
        .put("title", TITLE)
        .put("mode", config.mode().name().toLowerCase())
        .put("demoPath", demoPath(config))
        .put("demoUser", dev ? config.users().demoUsername() : "")
        .put("cookieMode", String.valueOf(config.web().refreshCookie()))
        .put("refreshCookie", config.web().refreshCookie())
        .put("version", version());
  }

  /** The configured {@code web.demo_path}, else the first route to the demo upstream, else none. */
  static String demoPath(GatewayConfig config) {
    if (!config.web().demoPath().isEmpty()) {
      return config.web().demoPath();
    }
    return config.routes().stream().filter(RouteConfig::demo).map(RouteConfig::path).findFirst().orElse("");
  }

  /** The jar's {@code Implementation-Version}; empty when running from classes. */
  private static String version() {
    String version = HomepageRoutes.class.getPackage().getImplementationVersion();
    return version == null ? "" : version;
  }
}
