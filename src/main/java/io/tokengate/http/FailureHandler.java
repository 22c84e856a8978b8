package io.tokengate.http;

import io.tokengate.db.DatabaseErrors;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a failed request becomes a JSON error: {@link ApiException} as it is,
 * a database outage as 503, anything unexpected as
 * a 500 with DRF's generic body (logged once, with its stack trace). Runs on the event loop.
 */
public final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    ApiException error = toApiException(ctx);
    if (response.headWritten()) {
      if (!response.ended()) {
        response.reset();
      }
      return;
    }
    write(response, error);
  }

  public static void write(HttpServerResponse response, ApiException error) {
    response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    error.headers().forEach(response::putHeader);
    if (error.status() == 401) {
      response.putHeader("WWW-Authenticate", ApiException.WWW_AUTHENTICATE);
    }
    response.end(error.body().encode());
  }

  /** The error a failed request answers with; logs an unexpected failure (once per call). */
  public static ApiException toApiException(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException api) {
      return api;
    }
    int status = ctx.statusCode();
    if (failure instanceof HttpException http) {
      status = http.getStatusCode();
    }
    if (failure == null || failure instanceof HttpException) {
      return forStatus(ctx, status);
    }
    if (isMalformedForm(failure)) {
      return ApiException.detail(400, "Form parse error - " + failure.getClass().getSimpleName());
    }
    if (DatabaseErrors.isUnavailable(failure)) {
      LOG.warn("Database unavailable for {} {}: {}", ctx.request().method(), ctx.request().path(), failure.toString());
      return ApiException.databaseUnavailable();
    }
    LOG.error("Unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
    return ApiException.detail(500, "A server error occurred.");
  }

  /** Netty's form decoder refuses a body (a field too long, a bad boundary or escape): the client's fault. */
  private static boolean isMalformedForm(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause()) {
      if (e.getClass().getName().startsWith("io.netty.handler.codec.http.multipart.")) {
        return true;
      }
      for (StackTraceElement frame : e.getStackTrace()) {
        if (frame.getClassName().startsWith("io.netty.handler.codec.http.multipart.")) {
          return true;
        }
      }
      if (e.getCause() == e) {
        break;
      }
    }
    return false;
  }

  private static ApiException forStatus(RoutingContext ctx, int status) {
    return switch (status) {
      case 400 -> ApiException.detail(400, "Bad request.");
      case 401 -> ApiException.detail(401, "Authentication credentials were not provided.");
      case 403 -> ApiException.detail(403, "You do not have permission to perform this action.");
      case 404 -> ApiException.detail(404, "Not found.");
      case 408 -> ApiException.detail(408, "Request timeout.");
      case 405 -> ApiException.detail(405, "Method \"" + ctx.request().method().name() + "\" not allowed.");
      case 413 -> new ApiException(413, new JsonObject().put("detail", "Request body too large.").put("code", "payload_too_large"));
      case 415 -> ApiException.detail(415, "Unsupported media type \"" + ctx.request().getHeader(HttpHeaders.CONTENT_TYPE) + "\" in request.");
      case 431 -> ApiException.detail(431, "Request header fields too large.");
      case 503 -> ApiException.databaseUnavailable();
      default -> status >= 500 || status < 400
          ? ApiException.detail(500, "A server error occurred.")
          : ApiException.detail(status, "Request failed.");
    };
  }

  /**
   * Answers {@code request} with a JSON error before any routing. A body is never read: with
   * {@code close}, or when the request still has one coming, the connection closes after the answer.
   */
  public static void refuse(HttpServerRequest request, int status, String detail, String code, boolean close) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    JsonObject body = new JsonObject().put("detail", detail);
    if (code != null) {
      body.put("code", code);
    }
    boolean unreadBody = !request.isEnded() && (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
        || request.headers().contains(HttpHeaders.CONTENT_LENGTH));
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (close || unreadBody) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      response.end(body.encode()).onComplete(v -> request.connection().close());
    } else {
      response.end(body.encode());
    }
  }
}
