package io.tokengate.config;

import java.time.Duration;
import java.util.Set;

/**
 * The browser front door: where templates and assets come from, how long browsers may cache
 * assets, and which protected path the homepage's "Call API" button uses.
 *
 * @param templatesDir folder holding {@code index.hbs} and {@code error.hbs}; relative paths are
 *     looked up in the working directory, then on the classpath
 * @param webroot folder of the static assets; relative paths: working directory, then classpath
 * @param assetMaxAge {@code Cache-Control: max-age} of assets outside dev mode (dev mode: no-cache)
 * @param demoPath the path the homepage calls; empty = the first route whose upstream is {@code demo}
 * @param refreshCookie cookie mode: the token endpoints keep the refresh token in an HttpOnly
 *     {@code __Host-} cookie guarded by a CSRF token instead of the JSON body (default false)
 */
public record WebConfig(String templatesDir, String webroot, Duration assetMaxAge, String demoPath, boolean refreshCookie) {

  public static final String DEFAULT_TEMPLATES_DIR = "templates";
  /** Where the templates live in the source tree; dev mode reads them there when present. */
  public static final String SOURCE_TEMPLATES_DIR = "src/main/resources/templates";

  /** Without cookie mode (the default). */
  public WebConfig(String templatesDir, String webroot, Duration assetMaxAge, String demoPath) {
    this(templatesDir, webroot, assetMaxAge, demoPath, false);
  }

  static WebConfig fromJson(ConfigReader in) {
    in.onlyKeys(Set.of("templates_dir", "webroot", "asset_max_age", "demo_path", "refresh_cookie"));
    String demoPath = in.string("demo_path", "");
    if (!demoPath.isEmpty() && (!demoPath.startsWith("/") || demoPath.startsWith("//") || demoPath.contains(".."))) {
      throw new ConfigException(in.key("demo_path"), "must be a path starting with '/' (got \"" + demoPath + "\")");
    }
    String webroot = in.string("webroot", "webroot");
    if (webroot.isEmpty()) {
      throw new ConfigException(in.key("webroot"), "may not be empty (default: webroot)");
    }
    Duration maxAge = in.duration("asset_max_age", Duration.ofHours(1), Duration.ZERO);
    if (maxAge.toSeconds() > 365L * 24 * 3600) {
      throw new ConfigException(in.key("asset_max_age"), "must be at most one year, got " + maxAge);
    }
    return new WebConfig(in.string("templates_dir", ""), webroot, maxAge, demoPath, in.bool("refresh_cookie", false));
  }
}
