package io.tokengate.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.CallerData;
import ch.qos.logback.classic.spi.LoggingEvent;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One access-log line as a logback event: the request's facts captured as they are (no text is
 * built on the event loop). {@link AccessLogAppender} writes them straight to bytes with
 * {@link #writeLine}; {@link #getFormattedMessage()} renders the message only for other appenders
 * (JSON object or text line, as the access log's format says). Immutable once built.
 */
public final class AccessLogEvent extends LoggingEvent implements AccessLogAppender.Line {

  private static final String LEVEL = "INFO";
  /** {@code %logger{0}} of the text pattern. */
  private static final String SHORT_LOGGER = AccessLog.LOGGER.substring(AccessLog.LOGGER.lastIndexOf('.') + 1);

  private final boolean json;
  private final long time;
  private final String requestId;
  private final String method;
  private final String path;
  private final int status;
  private final long bytes;
  private final long durationNanos;
  private final String userId;
  private final String upstream;
  private final String client;
  private final boolean aborted;
  private String message;

  @SuppressWarnings("java:S107") // one line's fields
  AccessLogEvent(boolean json, long time, String requestId, String method, String path, int status, long bytes,
                 long durationNanos, String userId, String upstream, String client, boolean aborted) {
    this.json = json;
    this.time = time;
    this.requestId = requestId;
    this.method = method;
    this.path = path;
    this.status = status;
    this.bytes = bytes;
    this.durationNanos = durationNanos;
    this.userId = userId;
    this.upstream = upstream;
    this.client = client;
    this.aborted = aborted;
    setLoggerName(AccessLog.LOGGER);
    setLevel(Level.INFO);
    setThreadName(Thread.currentThread().getName());
    setTimeStamp(time);
    setMDCPropertyMap(Map.of());
    setCallerData(CallerData.EMPTY_CALLER_DATA_ARRAY);
  }

  public boolean json() {
    return json;
  }

  /** Nothing to prepare: every field was captured when the event was made. */
  @Override
  public void prepareForDeferredProcessing() {
  }

  @Override
  public String getMessage() {
    return getFormattedMessage();
  }

  @Override
  public String getFormattedMessage() {
    if (message == null) {
      LineBytes line = new LineBytes();
      if (json) {
        line.ascii("{\"time\":").ascii('"');
        line.isoTime(time).ascii('"').ascii(',');
        jsonFields(line, requestId, method, path, status, bytes, durationNanos, userId, upstream, client, aborted);
      } else {
        textMessage(line, requestId, method, path, status, bytes, durationNanos, userId, upstream, client, aborted);
      }
      message = new String(line.toByteArray(), StandardCharsets.UTF_8);
    }
    return message;
  }

  /** Appends the whole line, newline included: a JSON object with the logger's fields too, or the text pattern. */
  @Override
  public void writeLine(LineBytes line) {
    writeLine(line, json, time, getThreadName(), requestId, method, path, status, bytes, durationNanos, userId, upstream,
        client, aborted);
  }

  /** One access line from its facts (see {@link #writeLine(LineBytes)}), newline included. */
  @SuppressWarnings("java:S107") // one line's fields
  static void writeLine(LineBytes line, boolean json, long time, String thread, String requestId, String method, String path,
                        int status, long bytes, long durationNanos, String userId, String upstream, String client, boolean aborted) {
    if (json) {
      line.ascii("{\"time\":\"").isoTime(time).ascii("\",\"level\":\"").ascii(LEVEL)
          .ascii("\",\"logger\":\"").ascii(AccessLog.LOGGER).ascii("\",\"thread\":").jsonString(thread).ascii(',');
      jsonFields(line, requestId, method, path, status, bytes, durationNanos, userId, upstream, client, aborted);
    } else {
      line.localTime(time).ascii(' ').ascii(LEVEL).ascii("  ").ascii(SHORT_LOGGER).ascii(" - ");
      textMessage(line, requestId, method, path, status, bytes, durationNanos, userId, upstream, client, aborted);
    }
    line.ascii('\n');
  }

  /** The access fields after {@code time}, and the closing brace. */
  @SuppressWarnings("java:S107")
  private static void jsonFields(LineBytes line, String requestId, String method, String path, int status, long bytes,
                                 long durationNanos, String userId, String upstream, String client, boolean aborted) {
    line.ascii("\"request_id\":").jsonString(requestId)
        .ascii(",\"method\":").jsonString(method)
        .ascii(",\"path\":").jsonString(path)
        .ascii(",\"status\":").number(status)
        .ascii(",\"bytes\":").number(bytes)
        .ascii(",\"duration_ms\":").hundredths(hundredthsOfMillis(durationNanos));
    if (userId != null) {
      line.ascii(",\"user_id\":").jsonString(userId);
    }
    if (upstream != null) {
      line.ascii(",\"upstream\":").jsonString(upstream);
    }
    if (client != null) {
      line.ascii(",\"client\":").jsonString(client);
    }
    if (aborted) {
      line.ascii(",\"aborted\":true");
    }
    line.ascii('}');
  }

  @SuppressWarnings("java:S107")
  private static void textMessage(LineBytes line, String requestId, String method, String path, int status, long bytes,
                                  long durationNanos, String userId, String upstream, String client, boolean aborted) {
    line.plain(client == null ? "-" : client).ascii(' ')
        .plain(method).ascii(' ')
        .plain(path).ascii(' ')
        .number(status).ascii(' ')
        .number(bytes).ascii("B ")
        .hundredths(hundredthsOfMillis(durationNanos)).ascii("ms id=")
        .plain(requestId);
    if (userId != null) {
      line.ascii(" user=").plain(userId);
    }
    if (upstream != null) {
      line.ascii(" upstream=").plain(upstream);
    }
    if (aborted) {
      line.ascii(" aborted");
    }
  }

  private static long hundredthsOfMillis(long durationNanos) {
    return Math.round(durationNanos / 10_000.0);
  }
}
