package io.tokengate.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One JSON object per log line: {@code time, level, logger, thread, message} and, when there is
 * one, {@code exception} (the stack trace as text). An {@link AccessLogEvent} has its fields at the
 * top level instead of a {@code message}, written straight from the event (nothing parsed).
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

  private static final byte[] NEWLINE = "\n".getBytes(StandardCharsets.UTF_8);

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    if (event instanceof AccessLogEvent access && access.json()) {
      LineBytes bytes = new LineBytes();
      access.writeLine(bytes);
      return bytes.toByteArray();
    }
    JsonObject line = new JsonObject()
        .put("time", Instant.ofEpochMilli(event.getTimeStamp()).toString())
        .put("level", event.getLevel().toString())
        .put("logger", event.getLoggerName())
        .put("thread", event.getThreadName())
        .put("message", event.getFormattedMessage());
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.put("exception", ThrowableProxyUtil.asString(thrown));
    }
    byte[] json = line.encode().getBytes(StandardCharsets.UTF_8);
    byte[] result = new byte[json.length + NEWLINE.length];
    System.arraycopy(json, 0, result, 0, json.length);
    System.arraycopy(NEWLINE, 0, result, json.length, NEWLINE.length);
    return result;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
