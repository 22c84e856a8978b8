package io.tokengate.ops;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The access log: one line per request on logger {@value #LOGGER}. JSON ({@code time, request_id,
 * method, path, status, bytes, duration_ms, user_id, upstream, client}; {@code aborted: true} and
 * status 0 when the connection closed before an answer was sent) or a readable text line. Logs the
 * path without the query string and never a header, body or token. Gives each request an id
 * ({@code X-Request-Id} on the response, kept from the client when it is short and plain).
 * {@link #start} begins one request's {@link Entry}; the router's {@link AccessLogHandler}, which
 * owns the request's end, calls {@link Entry#finish}.
 * Stateless and thread-safe; entries run on their request's event loop.
 */
public final class AccessLog {

  public static final String LOGGER = "tokengate.access";
  public static final String REQUEST_ID_HEADER = "X-Request-Id";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final boolean json;

  public AccessLog(boolean json) {
    this.json = json;
  }

  /** Gives {@code request} its id (on the response too) and starts its clock. */
  public Entry start(HttpServerRequest request) {
    String offered = request.getHeader(REQUEST_ID_HEADER);
    String id = offered != null && PLAIN_ID.matcher(offered).matches() ? offered : newRequestId();
    request.response().putHeader(REQUEST_ID_HEADER, id);
    return new Entry(request, id, System.nanoTime());
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

  /** One request's line, written once by {@link #finish}. */
  public final class Entry {

    private final HttpServerRequest request;
    private final String id;
    private final long started;
    private Object userId;
    private Object upstream;
    private boolean written;

    private Entry(HttpServerRequest request, String id, long started) {
      this.request = request;
      this.id = id;
      this.started = started;
    }

    public String id() {
      return id;
    }

    /** The caller's user id (only this one claim is ever logged). */
    public Entry userId(Object userId) {
      this.userId = userId;
      return this;
    }

    /** The upstream that served a proxied request. */
    public Entry upstream(Object upstream) {
      this.upstream = upstream;
      return this;
    }

    /** Writes the line: {@code completed} false when the connection dropped before the response ended. Once only. */
    public void finish(boolean completed) {
      if (written) {
        return;
      }
      written = true;
      if (LOG.isInfoEnabled()) {
        LOG.info("{}", line(entry(completed)));
      }
    }

    private JsonObject entry(boolean completed) {
      HttpServerResponse response = request.response();
      JsonObject entry = new JsonObject()
          .put("time", Instant.now().toString())
          .put("request_id", id)
          .put("method", request.method().name())
          .put("path", request.path())
          .put("status", response.headWritten() ? response.getStatusCode() : 0)
          .put("bytes", response.bytesWritten())
          .put("duration_ms", Math.round((System.nanoTime() - started) / 10_000.0) / 100.0);
      if (userId != null) {
        entry.put("user_id", String.valueOf(userId));
      }
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
