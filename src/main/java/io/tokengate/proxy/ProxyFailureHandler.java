package io.tokengate.proxy;

import io.tokengate.auth.TokenException;
import io.tokengate.http.ApiException;
import io.tokengate.http.FailureHandler;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * The failure handler of a proxied route: the JSON the router's {@link FailureHandler} writes,
 * except that on a protected route a 400 or 401 from {@code JWTAuthHandler} (a token it could not
 * parse or verify, no user set) becomes Simple JWT's 401 {@code token_not_valid}, and a 403 with
 * an exception (CorsHandler refusing an origin) is DRF's 403. A body the client
 * is still sending is not read: the connection closes after the answer rather than swallow it.
 * Runs on the event loop.
 */
final class ProxyFailureHandler implements Handler<RoutingContext> {

  private final boolean protectedRoute;

  ProxyFailureHandler(boolean protectedRoute) {
    this.protectedRoute = protectedRoute;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    ApiException error = answer(ctx);
    if (response.headWritten()) {
      if (!response.ended()) {
        response.reset();
      }
      return;
    }
    if (response.closed()) {
      return;
    }
    HttpServerRequest request = ctx.request();
    if (Forwarder.hasBody(request) && !request.isEnded()) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      request.resume();
    }
    FailureHandler.write(response, error);
  }

  private ApiException answer(RoutingContext ctx) {
    if (protectedRoute && ctx.user() == null && ctx.failure() instanceof HttpException http
        && (http.getStatusCode() == 401 || http.getStatusCode() == 400)) {
      return AuthErrors.tokenNotValid(TokenException.INVALID);
    }
    if (ctx.statusCode() == 403 && !(ctx.failure() instanceof ApiException)) {
      // CorsHandler refusing an origin: ctx.fail(403, VertxException)
      return AuthErrors.forbidden();
    }
    return FailureHandler.toApiException(ctx);
  }
}
