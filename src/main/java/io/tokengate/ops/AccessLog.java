package io.tokengate.ops;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * owns the request's end, calls {@link Entry#finish}. When the access log's appender
 * ({@link AccessLogAppender}) is its logger's only one, as in the shipped logback.xml, the entry
 * encodes its line straight into the appender's buffer for this event loop (no logging event is
 * made); otherwise it goes through logback as an {@link AccessLogEvent}. Either way the line is
 * written to stdout by the appender's own thread, never on the event loop.
 * Stateless and thread-safe; entries run on their request's event loop.
 */
public final class AccessLog {

  public static final String LOGGER = "tokengate.access";
  public static final String REQUEST_ID_HEADER = "X-Request-Id";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  /** The header name encoded once: the response's headers hash and write it without re-encoding. */
  private static final CharSequence REQUEST_ID_NAME = HttpHeaders.createOptimized(REQUEST_ID_HEADER);
  private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final boolean json;
  /** The access logger's only appender, given lines directly (null: through logback, as an event). */
  private final AccessLogAppender direct;

  /** Looks at the access logger's appenders now: one attached later gets lines only from access logs made after it. */
  public AccessLog(boolean json) {
    this.json = json;
    this.direct = AccessLogAppender.sole();
  }

  /** Gives {@code request} its id (on the response too) and starts its clock. */
  public Entry start(HttpServerRequest request) {
    String offered = request.getHeader(REQUEST_ID_NAME);
    String id = offered != null && PLAIN_ID.matcher(offered).matches() ? offered : newRequestId();
    request.response().putHeader(REQUEST_ID_NAME, id);
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
  public final class Entry implements AccessLogAppender.Line {

    private final HttpServerRequest request;
    private final String id;
    private final long started;
    private Object userId;
    private Object upstream;
    private boolean written;
    private boolean completed;

    private Entry(HttpServerRequest request, String id, long started) {
      this.request = request;
      this.id = id;
      this.started = started;
    }

    public String id() {
      return id;
    }

    /** Whether a handler has already given the caller's user id. */
    public boolean hasUserId() {
      return userId != null;
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
        if (direct != null) {
          // the line is encoded by the appender into this event loop's buffer: no logging event is made
          this.completed = completed;
          direct.appendLine(this);
        } else {
          log(event(completed));
        }
      }
    }

    /** The line as it is now (for the appender, on this entry's event loop). */
    @Override
    public void writeLine(LineBytes line) {
      HttpServerResponse response = request.response();
      SocketAddress client = request.connection().remoteAddress();
      AccessLogEvent.writeLine(line, json, System.currentTimeMillis(), Thread.currentThread().getName(), id, request.method().name(),
          request.path(), response.headWritten() ? response.getStatusCode() : 0, response.bytesWritten(), System.nanoTime() - started,
          userId == null ? null : String.valueOf(userId), upstream == null ? null : String.valueOf(upstream),
          client == null ? null : client.hostAddress(), !completed);
    }

    /** The line's facts as they are now; turned into text by the appender, off the event loop. */
    private AccessLogEvent event(boolean completed) {
      HttpServerResponse response = request.response();
      // the connection's peer (what request.remoteAddress() reports without forwarded headers), not
      // the router's request wrapper, whose remoteAddress() works out scheme, authority and absolute URI first
      SocketAddress client = request.connection().remoteAddress();
      return new AccessLogEvent(json, System.currentTimeMillis(), id, request.method().name(), request.path(),
          response.headWritten() ? response.getStatusCode() : 0, response.bytesWritten(), System.nanoTime() - started,
          userId == null ? null : String.valueOf(userId), upstream == null ? null : String.valueOf(upstream),
          client == null ? null : client.hostAddress(), !completed);
    }
  }

  /** Whether access-log lines are written at all (the {@value #LOGGER} logger at INFO): else nothing is worth collecting. */
  public static boolean enabled() {
    return LOG.isInfoEnabled();
  }

  /** Hands the event to the logger's appenders (the async {@link AccessLogAppender}): nothing is formatted here. */
  private static void log(AccessLogEvent event) {
    if (LOG instanceof ch.qos.logback.classic.Logger logback) {
      logback.callAppenders(event);
    } else {
      LOG.info("{}", event.getFormattedMessage());
    }
  }
}
