package io.tokengate.auth;

import io.tokengate.http.ApiException;
import io.tokengate.http.ClientAddress;
import io.tokengate.http.RequestFields;
import io.tokengate.http.RequestFields.Field;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;

import java.util.Map;
import java.util.function.Function;

/**
 * Simple JWT's four endpoints, route by route: {@code body -> validate -> act -> respond}. Each
 * accepts POST only (OPTIONS answers DRF's metadata; anything else is 405). Runs on the event loop.
 */
public final class TokenEndpoints {

  public static final String OBTAIN = "/api/token/";
  public static final String REFRESH = "/api/token/refresh/";
  public static final String VERIFY = "/api/token/verify/";
  public static final String BLACKLIST = "/api/token/blacklist/";

  private static final Field USERNAME = new Field("username", true);
  private static final Field PASSWORD = new Field("password", false);
  private static final Field TOKEN_FIELD = new Field("token", true);

  private final LoginClient login;
  private final TokenService tokens;
  private final ClientAddress clients;
  private final int maxBodySize;
  private final long requestTimeoutMillis;
  private final RefreshTransport transport;

  /** @param transport where the refresh token travels: the body (Simple JWT) or a cookie (cookie mode) */
  public TokenEndpoints(LoginClient login, TokenService tokens, ClientAddress clients, int maxBodySize, long requestTimeoutMillis,
      RefreshTransport transport) {
    this.login = login;
    this.tokens = tokens;
    this.clients = clients;
    this.maxBodySize = maxBodySize;
    this.requestTimeoutMillis = requestTimeoutMillis;
    this.transport = transport;
  }

  public void mount(Router router) {
    endpoint(router, OBTAIN, "Token Obtain Pair", ctx -> {
      Map<String, String> in = RequestFields.read(ctx, USERNAME, PASSWORD);
      return login.login(in.get("username"), in.get("password"), clients.of(ctx.request()))
          .map(pair -> transport.afterLogin(ctx, pair));
    });
    endpoint(router, REFRESH, "Token Refresh", ctx -> {
      RefreshTransport.Presented presented = transport.read(ctx);
      return tokens.refresh(presented.token()).map(result -> transport.afterRefresh(ctx, presented, result));
    });
    endpoint(router, VERIFY, "Token Verify", ctx -> tokens.verify(RequestFields.read(ctx, TOKEN_FIELD).get("token"))
        .map(v -> new JsonObject()));
    endpoint(router, BLACKLIST, "Token Blacklist", ctx -> {
      RefreshTransport.Presented presented = transport.read(ctx);
      return tokens.blacklist(presented.token()).map(v -> transport.afterBlacklist(ctx, presented));
    });
  }

  private void endpoint(Router router, String path, String name, Function<RoutingContext, Future<JsonObject>> action) {
    router.post(path)
        .handler(TimeoutHandler.create(requestTimeoutMillis, 408))
        .handler(BodyHandler.create(false).setBodyLimit(maxBodySize).setHandleFileUploads(false))
        .handler(ctx -> {
          Future<JsonObject> result;
          try {
            result = action.apply(ctx);
          } catch (RuntimeException e) {
            result = Future.failedFuture(e);
          }
          result.onSuccess(body -> json(ctx, 200, body)).onFailure(e -> ctx.fail(e instanceof TokenException token
              ? ApiException.tokenNotValid(token.getMessage()) : e));
        });
    router.options(path).handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.ALLOW, "POST, OPTIONS");
      json(ctx, 200, new JsonObject()
          .put("name", name)
          .put("description", "")
          .put("renders", new JsonArray().add("application/json"))
          .put("parses", new JsonArray().add("application/json").add("application/x-www-form-urlencoded").add("multipart/form-data")));
    });
    router.route(path).handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.ALLOW, "POST, OPTIONS");
      ctx.fail(405);
    });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }

}
