package io.tokengate.web;

import io.vertx.core.MultiMap;
import io.vertx.core.file.FileProps;
import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Validators and freshness for static assets, in front of {@code StaticHandler} (whose own cache
 * headers are switched off: it marks every file {@code immutable}, which only suits fingerprinted
 * names). Sets a weak {@code ETag} from the file's size and modification time, {@code Last-Modified},
 * {@code Vary: Accept-Encoding} and {@code Cache-Control} ({@code public, max-age=N}, or
 * {@code no-cache} in dev mode so that edits show on reload), and answers a matching conditional
 * request with 304. Runs on the event loop; reads file properties asynchronously.
 */
public final class AssetCacheHandler implements Handler<RoutingContext> {

  private final FileSystem fileSystem;
  private final String webroot;
  private final String cacheControl;

  /** {@code maxAgeSeconds} 0 means browsers revalidate every time. */
  public AssetCacheHandler(FileSystem fileSystem, String webroot, long maxAgeSeconds) {
    this.fileSystem = fileSystem;
    this.webroot = webroot.endsWith("/") ? webroot.substring(0, webroot.length() - 1) : webroot;
    this.cacheControl = maxAgeSeconds > 0 ? "public, max-age=" + maxAgeSeconds : "no-cache";
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path.contains("%") || path.contains("\\") || path.contains("..")) {
      ctx.next(); // odd names are left to StaticHandler's own decoding and checks
      return;
    }
    fileSystem.props(webroot + path)
        .onFailure(e -> ctx.next())
        .onSuccess(props -> respond(ctx, props));
  }

  private void respond(RoutingContext ctx, FileProps props) {
    if (!props.isRegularFile()) {
      ctx.next();
      return;
    }
    String etag = "W/\"" + Long.toHexString(props.size()) + "-" + Long.toHexString(props.lastModifiedTime()) + "\"";
    Instant modified = Instant.ofEpochMilli(props.lastModifiedTime()).truncatedTo(ChronoUnit.SECONDS);
    HttpServerResponse response = ctx.response();
    response.putHeader(HttpHeaders.ETAG, etag)
        .putHeader(HttpHeaders.LAST_MODIFIED, DateTimeFormatter.RFC_1123_DATE_TIME.format(modified.atZone(ZoneOffset.UTC)))
        .putHeader(HttpHeaders.CACHE_CONTROL, cacheControl)
        .putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
    if (notModified(ctx.request().headers(), etag, modified)) {
      response.setStatusCode(304).end();
      return;
    }
    ctx.next();
  }

  /** RFC 9110: If-None-Match (weak comparison) wins; If-Modified-Since only without it. */
  static boolean notModified(MultiMap request, String etag, Instant modified) {
    String ifNoneMatch = request.get(HttpHeaders.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      String opaque = etag.substring(2);
      for (String candidate : ifNoneMatch.split(",")) {
        String tag = candidate.trim();
        if (tag.equals("*") || tag.equals(etag) || tag.equals(opaque)) {
          return true;
        }
      }
      return false;
    }
    String ifModifiedSince = request.get(HttpHeaders.IF_MODIFIED_SINCE);
    if (ifModifiedSince == null) {
      return false;
    }
    try {
      Instant since = Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(ifModifiedSince.trim()));
      return !modified.isAfter(since);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
