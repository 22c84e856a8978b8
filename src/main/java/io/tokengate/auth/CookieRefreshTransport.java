package io.tokengate.auth;

import io.tokengate.http.RequestFields;
import io.tokengate.auth.RefreshCookies;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Cookie mode ({@code web.refresh_cookie}): login puts the refresh token into the HttpOnly
 * {@link RefreshCookies#REFRESH} cookie and answers {@code {access, csrf}}, with the same CSRF
 * token in the readable {@link RefreshCookies#CSRF} cookie. Refresh and blacklist take the
 * {@code refresh} body field when there is one (then everything is exactly Simple JWT's);
 * otherwise the cookie, but only after {@link CsrfCheck} passed. Runs on the event loop.
 */
public final class CookieRefreshTransport implements RefreshTransport {

  private final long maxAgeSeconds;

  /** @param maxAgeSeconds cookie lifetime: the refresh token lifetime */
  public CookieRefreshTransport(long maxAgeSeconds) {
    this.maxAgeSeconds = maxAgeSeconds;
  }

  @Override
  public Presented read(RoutingContext ctx) {
    if (RequestFields.contains(ctx, REFRESH_FIELD.name())) {
      return RefreshTransport.fromBody(ctx);
    }
    String token = RefreshCookies.refreshToken(ctx.request());
    if (token == null) {
      return RefreshTransport.fromBody(ctx);
    }
    CsrfCheck.require(ctx.request().getHeader(RefreshCookies.CSRF_HEADER), RefreshCookies.csrf(ctx.request()));
    return new Presented(token, true);
  }

  @Override
  public JsonObject afterLogin(RoutingContext ctx, JsonObject pair) {
    String csrf = CsrfCheck.newToken();
    RefreshCookies.set(ctx.response(), pair.getString("refresh"), csrf, maxAgeSeconds);
    return new JsonObject().put("access", pair.getString("access")).put("csrf", csrf);
  }

  @Override
  public JsonObject afterRefresh(RoutingContext ctx, Presented presented, JsonObject result) {
    if (!presented.fromCookie()) {
      return result;
    }
    String rotated = result.getString("refresh");
    if (rotated != null) {
      RefreshCookies.setRefresh(ctx.response(), rotated, maxAgeSeconds);
    }
    return new JsonObject().put("access", result.getString("access"));
  }

  @Override
  public JsonObject afterBlacklist(RoutingContext ctx, Presented presented) {
    if (presented.fromCookie()) {
      RefreshCookies.clear(ctx.response());
    }
    return new JsonObject();
  }
}
