package io.tokengate.web;

import io.tokengate.config.GatewayConfig;
import io.tokengate.config.WebConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.common.WebEnvironment;
import io.vertx.ext.web.common.template.TemplateEngine;
import io.vertx.ext.web.templ.handlebars.HandlebarsTemplateEngine;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Renders the Handlebars page templates. Outside dev mode a template is compiled once and cached;
 * in dev mode the cache is emptied before each render, so an edited template shows on reload
 * (Vert.x Web only skips its cache when the whole JVM runs with {@code vertxweb.environment=dev}).
 * Runs on the event loop; compiling reads the template file.
 */
public final class PageRenderer {

  private final TemplateEngine engine;
  private final String directory;
  private final boolean reloadTemplates;

  public PageRenderer(Vertx vertx, GatewayConfig config) {
    this.engine = HandlebarsTemplateEngine.create(vertx);
    this.directory = templatesDir(config);
    // With vertxweb.environment=dev the engine has no cache at all, and clearing it would fail.
    this.reloadTemplates = config.mode().isDev() && !WebEnvironment.development();
  }

  /**
   * The configured folder; by default {@code templates/} (working directory, then the classpath),
   * or in dev mode the source tree's folder when the gateway runs from the project folder.
   */
  static String templatesDir(GatewayConfig config) {
    WebConfig web = config.web();
    if (!web.templatesDir().isEmpty()) {
      return web.templatesDir();
    }
    if (config.mode().isDev() && Files.isDirectory(Path.of(WebConfig.SOURCE_TEMPLATES_DIR))) {
      return WebConfig.SOURCE_TEMPLATES_DIR;
    }
    return WebConfig.DEFAULT_TEMPLATES_DIR;
  }

  /** Renders {@code name} (e.g. {@code "index.hbs"}) from the templates folder. */
  public Future<Buffer> render(String name, JsonObject context) {
    if (reloadTemplates) {
      engine.clearCache();
    }
    return engine.render(context, directory + "/" + name);
  }

  public String directory() {
    return directory;
  }
}
