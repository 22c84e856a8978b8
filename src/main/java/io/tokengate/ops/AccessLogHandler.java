package io.tokengate.ops;

import io.vertx.core.Handler;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@link AccessLog} for requests the router serves (token API, JWKS, homepage): starts the
 * entry, and writes it when the response ends or the connection drops, with the user id of
 * {@link RoutingContext#user()} (or {@value #USER_ID} when a handler knows it otherwise) and the
 * {@value #UPSTREAM} a handler names. Install it first on the router; runs on the event loop.
 */
public final class AccessLogHandler implements Handler<RoutingContext> {

  public static final String LOGGER = AccessLog.LOGGER;
  /** Context key: the upstream a request went to. */
  public static final String UPSTREAM = "tokengate.upstream";
  /** Context key: the user id, for handlers that know it without {@link RoutingContext#user()}. */
  public static final String USER_ID = "tokengate.user_id";
  /** Context key: this request's id. */
  public static final String REQUEST_ID = "tokengate.request_id";

  private final AccessLog log;
  private final String userIdClaim;

  public AccessLogHandler(boolean json, String userIdClaim) {
    this.log = new AccessLog(json);
    this.userIdClaim = userIdClaim;
  }

  @Override
  public void handle(RoutingContext ctx) {
    AccessLog.Entry entry = log.start(ctx.request());
    ctx.put(REQUEST_ID, entry.id());
    ctx.addEndHandler(ended -> entry.userId(userId(ctx)).upstream(ctx.get(UPSTREAM)).finish(ended.succeeded()));
    ctx.next();
  }

  private Object userId(RoutingContext ctx) {
    Object explicit = ctx.get(USER_ID);
    if (explicit != null) {
      return explicit;
    }
    User user = ctx.user();
    // Only the one claim: the principal may hold the raw token.
    return user == null ? null : user.get(userIdClaim);
  }
}
