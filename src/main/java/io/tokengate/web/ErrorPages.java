package io.tokengate.web;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.tokengate.http.ApiException;
import io.tokengate.http.FailureHandler;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Failure handler for browsers: a failed request for a page (not under {@code /api/} nor under a
 * gateway route, and accepting {@code text/html}) gets {@code error.hbs} as HTML with the same
 * status {@link FailureHandler} would give. Every other failure continues to
 * {@link FailureHandler}, so API clients keep their JSON errors. Runs on the event loop.
 */
public final class ErrorPages implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorPages.class);
  private static final String API_PREFIX = "/api/";

  private final PageRenderer renderer;
  private final List<String> apiPrefixes;

  /** {@code routePaths}: the gateway's route prefixes, which answer in JSON like {@code /api/}. */
  public ErrorPages(PageRenderer renderer, List<String> routePaths) {
    this.renderer = renderer;
    this.apiPrefixes = routePaths;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().headWritten() || !isPageRequest(ctx)) {
      ctx.next();
      return;
    }
    ApiException error = FailureHandler.toApiException(ctx);
    renderer.render("error.hbs", context(error))
        .onSuccess(html -> {
          HttpServerResponse response = ctx.response();
          if (response.headWritten()) {
            return;
          }
          SecurityHeadersHandler.apply(response);
          response.setStatusCode(error.status())
              .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
          if (error.status() == 401) {
            response.putHeader("WWW-Authenticate", ApiException.WWW_AUTHENTICATE);
          }
          response.end(html);
        })
        .onFailure(e -> {
          LOG.error("Cannot render the error page; answering in JSON", e);
          if (!ctx.response().headWritten()) {
            FailureHandler.write(ctx.response(), error);
          }
        });
  }

  boolean isPageRequest(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path.startsWith(API_PREFIX) || path.equals("/api")) {
      return false;
    }
    for (String prefix : apiPrefixes) {
      if (path.startsWith(prefix)) {
        return false;
      }
    }
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.toLowerCase().contains("text/html");
  }

  static JsonObject context(ApiException error) {
    int status = error.status();
    String title;
    String message;
    switch (status) {
      case 404 -> {
        title = "Page not found";
        message = "There is no page at this address.";
      }
      case 500 -> {
        title = "Something went wrong";
        message = "The server could not complete the request. Please try again later.";
      }
      default -> {
        title = HttpResponseStatus.valueOf(status).reasonPhrase();
        message = error.body().getValue("detail") instanceof String detail ? detail : "";
      }
    }
    return new JsonObject().put("status", status).put("title", title).put("message", message);
  }
}
