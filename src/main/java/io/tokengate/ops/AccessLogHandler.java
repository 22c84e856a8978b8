package io.tokengate.ops;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The access log: one line per request on logger {@value #LOGGER}, written when the response
 * ends (or the connection drops). JSON ({@code time, request_id, method, path, status, bytes,
 * duration_ms, user_id, upstream, client}; {@code aborted: true} and status 0 when the connection
 * closed before an answer was sent) or a readable text line. Logs the path without the
 * query string and never a header, body or token. Gives each request an id ({@code X-Request-Id},
 * kept from the client when it is short and plain). Install it first on the router; runs on the
 * event loop.
 */
public final class AccessLogHandler implements Handler<RoutingContext> {

  public static final String LOGGER = "tokengate.access";
  /** Context key: the upstream a proxied request went to (set by the proxy route). */
  public static final String UPSTREAM = "tokengate.upstream";
  /** Context key: the user id, for handlers that know it without {@link RoutingContext#user()}. */
  public static final String USER_ID = "tokengate.user_id";
  /** Context key: this request's id. */
  public static final String REQUEST_ID = "tokengate.request_id";
  public static final String REQUEST_ID_HEADER = "X-Request-Id";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final boolean json;
  private final String userIdClaim;

  public AccessLogHandler(boolean json, String userIdClaim) {
    this.json = json;
    this.userIdClaim = userIdClaim;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    String offered = ctx.request().getHeader(REQUEST_ID_HEADER);
    String id = offered != null && PLAIN_ID.matcher(offered).matches() ? offered : newRequestId();
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader(REQUEST_ID_HEADER, id);
    ctx.addEndHandler(ended -> {
      if (LOG.isInfoEnabled()) {
        LOG.info("{}", line(entry(ctx, id, started, ended.succeeded())));
      }
    });
    ctx.next();
  }

  /**
   * A random version-4 UUID string. A request id is a correlation handle, not a secret: drawn from
   * {@link ThreadLocalRandom}, not {@code UUID.randomUUID()}, whose {@code SecureRandom} takes a
   * process-wide lock (and reads {@code /dev/urandom}) on every request.
   */
  public static String newRequestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;                       // version 4
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(high, low).toString();
  }

  private JsonObject entry(RoutingContext ctx, String id, long started, boolean completed) {
    HttpServerRequest request = ctx.request();
    JsonObject entry = new JsonObject()
        .put("time", Instant.now().toString())
        .put("request_id", id)
        .put("method", request.method().name())
        .put("path", request.path())
        .put("status", ctx.response().headWritten() ? ctx.response().getStatusCode() : 0)
        .put("bytes", ctx.response().bytesWritten())
        .put("duration_ms", Math.round((System.nanoTime() - started) / 10_000.0) / 100.0);
    Object userId = userId(ctx);
    if (userId != null) {
      entry.put("user_id", String.valueOf(userId));
    }
    Object upstream = ctx.get(UPSTREAM);
    if (upstream != null) {
      entry.put("upstream", String.valueOf(upstream));
    }
    if (request.remoteAddress() != null) {
      entry.put("client", request.remoteAddress().hostAddress());
    }
    if (!completed) {
      entry.put("aborted", true);
    }
    return entry;
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

  private String line(JsonObject entry) {
    if (json) {
      return entry.encode();
    }
    StringBuilder text = new StringBuilder()
        .append(entry.getString("client", "-")).append(' ')
        .append(entry.getString("method")).append(' ')
        .append(entry.getString("path")).append(' ')
        .append(entry.getInteger("status")).append(' ')
        .append(entry.getLong("bytes")).append("B ")
        .append(entry.getDouble("duration_ms")).append("ms id=")
        .append(entry.getString("request_id"));
    if (entry.containsKey("user_id")) {
      text.append(" user=").append(entry.getString("user_id"));
    }
    if (entry.containsKey("upstream")) {
      text.append(" upstream=").append(entry.getString("upstream"));
    }
    if (entry.containsKey("aborted")) {
      text.append(" aborted");
    }
    return text.toString();
  }
}
