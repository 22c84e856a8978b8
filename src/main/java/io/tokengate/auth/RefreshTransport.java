package io.tokengate.auth;

import io.tokengate.http.RequestFields;
import io.tokengate.http.RequestFields.Field;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * How the refresh token travels between client and token endpoints: in the JSON body, as Simple
 * JWT does ({@link #body()}), or in cookie mode in an HttpOnly cookie guarded by a CSRF token
 * ({@link CookieRefreshTransport}). The endpoints read the presented token through {@link #read}
 * and pass each successful answer through the matching {@code after*} method, which may move
 * tokens between body and cookies. Runs on the event loop; methods throw
 * {@link io.tokengate.http.ApiException} for the client's mistakes.
 */
public interface RefreshTransport {

  Field REFRESH_FIELD = new Field("refresh", true);

  /** A refresh token as the client presented it: in the body, or in the cookie. */
  record Presented(String token, boolean fromCookie) {
    @Override
    public String toString() {
      return "Presented[token=<redacted>, fromCookie=" + fromCookie + "]";
    }
  }

  /** The refresh token a refresh or blacklist request presents; DRF's 400 when there is none. */
  Presented read(RoutingContext ctx);

  /** The answer to a successful login, given the new {@code {refresh, access}} pair. */
  JsonObject afterLogin(RoutingContext ctx, JsonObject pair);

  /** The answer to a successful refresh of {@code presented}, given {@code {access[, refresh]}}. */
  JsonObject afterRefresh(RoutingContext ctx, Presented presented, JsonObject result);

  /** The answer to a successful blacklisting of {@code presented}. */
  JsonObject afterBlacklist(RoutingContext ctx, Presented presented);

  /** Simple JWT's: the {@code refresh} body field in, tokens in the JSON answers, no cookies. */
  static RefreshTransport body() {
    return BodyTransport.INSTANCE;
  }

  /** Reads the body's {@code refresh} field, DRF-validated. */
  static Presented fromBody(RoutingContext ctx) {
    return new Presented(RequestFields.read(ctx, REFRESH_FIELD).get(REFRESH_FIELD.name()), false);
  }

  /** The Simple JWT transport. */
  final class BodyTransport implements RefreshTransport {

    private static final BodyTransport INSTANCE = new BodyTransport();

    private BodyTransport() {
    }

    @Override
    public Presented read(RoutingContext ctx) {
      return fromBody(ctx);
    }

    @Override
    public JsonObject afterLogin(RoutingContext ctx, JsonObject pair) {
      return pair;
    }

    @Override
    public JsonObject afterRefresh(RoutingContext ctx, Presented presented, JsonObject result) {
      return result;
    }

    @Override
    public JsonObject afterBlacklist(RoutingContext ctx, Presented presented) {
      return new JsonObject();
    }
  }
}
