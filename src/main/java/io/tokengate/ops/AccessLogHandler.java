package io.tokengate.ops;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@link AccessLog} for every request the public router serves (token API, JWKS, homepage,
 * proxied routes): starts the entry, and writes it when the response ends or the connection
 * drops, with the user id of {@link RoutingContext#user()}. A handler that learns more (the
 * upstream a proxied request went to, the caller's user id from claims it already holds) adds it
 * to {@link #entry}. Install it first on the router;
 * runs on the event loop.
 */
public final class AccessLogHandler implements Handler<RoutingContext> {

  public static final String LOGGER = AccessLog.LOGGER;
  /** Context key: this request's {@link AccessLog.Entry}. */
  private static final String ENTRY = "tokengate.access_log";

  private final AccessLog log;
  private final String userIdClaim;

  public AccessLogHandler(boolean json, String userIdClaim) {
    this.log = new AccessLog(json);
    this.userIdClaim = userIdClaim;
  }

  /** The access log entry of {@code ctx}'s request, or null when the access log is off. */
  public static AccessLog.Entry entry(RoutingContext ctx) {
    return ctx.get(ENTRY);
  }

  @Override
  public void handle(RoutingContext ctx) {
    AccessLog.Entry entry = log.start(ctx.request());
    ctx.put(ENTRY, entry);
    ctx.addEndHandler(ended -> {
      if (!entry.hasUserId() && AccessLog.enabled()) {
        entry.userId(userId(ctx));
      }
      entry.finish(ended.succeeded());
    });
    ctx.next();
  }

  private Object userId(RoutingContext ctx) {
    User user = ctx.user();
    if (user == null) {
      return null;
    }
    // Only the one claim (the principal may hold the raw token), read where vertx-auth-jwt keeps the
    // verified claims: two map lookups, not User.get's search of attributes and principal.
    JsonObject claims = user.attributes().getJsonObject("accessToken");
    return (claims != null ? claims : user.principal()).getValue(userIdClaim);
  }
}
