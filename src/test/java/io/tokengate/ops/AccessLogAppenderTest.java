package io.tokengate.ops;

import ch.qos.logback.classic.LoggerContext;
import io.tokengate.support.Poll;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The access log's queue and writer thread, with a sink the test controls. */
class AccessLogAppenderTest {

  private final AccessLogAppender appender = new AccessLogAppender();

  @AfterEach
  void stop() {
    appender.stop();
  }

  private static AccessLogEvent event(boolean json, int n) {
    return new AccessLogEvent(json, System.currentTimeMillis(), "req-" + n, "GET", "/api/orders/" + n, 200, 5,
        1_234_567, "42", "http://orders.internal:8080", "127.0.0.1", false);
  }

  private void start(int queueSize, OutputStream sink) {
    appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    appender.setQueueSize(queueSize);
    appender.setOutput(sink);
    appender.start();
    assertThat(appender.isStarted()).isTrue();
  }

  private static List<String> lines(ByteArrayOutputStream sink) {
    synchronized (sink) {
      String text = sink.toString(StandardCharsets.UTF_8);
      return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n", -1)).subList(0, text.split("\n", -1).length - 1);
    }
  }

  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch writing = new CountDownLatch(1);

  /** A sink whose first write blocks until {@link #release} opens. */
  private OutputStream stalled(ByteArrayOutputStream written) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        writing.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        synchronized (written) {
          written.write(b, off, len);
        }
      }
    };
  }

  /** Appends one line and waits until the writer has taken it and is stuck writing it. */
  private void stallWriter() throws InterruptedException {
    appender.doAppend(event(true, 0));
    assertThat(writing.await(5, TimeUnit.SECONDS)).as("the writer took the first line and is stuck writing it").isTrue();
    assertThat(appender.queued()).isZero();
  }

  @Test
  @DisplayName("with the writer stalled, a full queue drops and counts lines instead of blocking the caller")
  void fullQueueDrops() throws Exception {
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    start(8, stalled(written));
    stallWriter();

    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      for (int i = 1; i <= 8 + 25; i++) {
        appender.doAppend(event(true, i));
      }
    });
    assertThat(appender.queued()).isEqualTo(8);
    assertThat(appender.dropped()).isEqualTo(25);

    release.countDown();
    Poll.until(Duration.ofSeconds(5), "the queued lines written", () -> lines(written).size() == 9);
    assertThat(lines(written)).extracting(line -> new JsonObject(line).getString("request_id"))
        .containsExactly("req-0", "req-1", "req-2", "req-3", "req-4", "req-5", "req-6", "req-7", "req-8");
    assertThat(appender.dropped()).isEqualTo(25);
  }

  @Test
  @DisplayName("long paths cannot make a thread's buffer hold more than its byte budget: lines past it are dropped and counted")
  void byteBudget() throws Exception {
    String longPath = "/api/orders/" + "x".repeat(8000);
    AccessLogEvent heavy = new AccessLogEvent(true, System.currentTimeMillis(), "big", "GET", longPath, 404, 0, 1000, null, null, null, false);
    LineBytes encoded = new LineBytes();
    heavy.writeLine(encoded);
    appender.setMaxQueuedBytes(10L * encoded.length());
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    start(1000, stalled(written));
    stallWriter();
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      for (int i = 0; i < 25; i++) {
        appender.doAppend(heavy);
      }
    });
    assertThat(appender.queued()).isEqualTo(10);
    assertThat(appender.dropped()).isEqualTo(15);
    release.countDown();
    Poll.until(Duration.ofSeconds(5), "the queue drained", () -> appender.queued() == 0);
    appender.doAppend(heavy);
    assertThat(appender.dropped()).as("the budget is given back once written").isEqualTo(15);
  }

  @Test
  @DisplayName("flush (the gateway's last shutdown step) returns once every queued line is written; a stalled writer makes it give up in time")
  void flushWaits() throws Exception {
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    start(AccessLogAppender.DEFAULT_QUEUE_SIZE, stalled(written));
    stallWriter();
    for (int i = 1; i < 3000; i++) {
      appender.doAppend(event(true, i));
    }
    assertThat(appender.flush(Duration.ofMillis(200))).isFalse();
    release.countDown();
    assertThat(appender.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(lines(written)).hasSize(3000);
    assertThat(appender.isStarted()).isTrue();
  }

  @Test
  @DisplayName("each logging thread fills its own buffer: every line of every thread is written whole, and a finished thread's buffer is dropped")
  void threadsOwnBuffers() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    start(AccessLogAppender.DEFAULT_QUEUE_SIZE, sink);
    Thread[] loggers = new Thread[4];
    for (int t = 0; t < loggers.length; t++) {
      int base = t * 10_000;
      loggers[t] = new Thread(() -> {
        for (int i = 0; i < 2_000; i++) {
          appender.doAppend(event(true, base + i));
        }
      }, "logger-" + t);
      loggers[t].start();
    }
    for (Thread logger : loggers) {
      logger.join();
    }
    assertThat(appender.flush(Duration.ofSeconds(10))).isTrue();
    List<String> lines = lines(sink);
    assertThat(lines).hasSize(8_000);
    assertThat(lines).allSatisfy(line -> assertThat(new JsonObject(line).getString("request_id")).startsWith("req-"));
    assertThat(lines.stream().map(line -> new JsonObject(line).getString("thread")).distinct())
        .containsExactlyInAnyOrder("logger-0", "logger-1", "logger-2", "logger-3");
    for (int t = 0; t < loggers.length; t++) {
      int base = t * 10_000;
      // one thread's lines stay in the order it logged them
      assertThat(lines.stream().map(line -> new JsonObject(line)).filter(line -> line.getString("thread").equals("logger-" + base / 10_000))
          .map(line -> Integer.parseInt(line.getString("request_id").substring(4)) - base)).isSorted().hasSize(2_000);
    }
    assertThat(appender.dropped()).isZero();
    Poll.until(Duration.ofSeconds(5), "the finished threads' buffers dropped", () -> appender.buffers() == 0);
  }

  @Test
  @DisplayName("stop writes every queued line before it returns")
  void stopFlushes() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    start(AccessLogAppender.DEFAULT_QUEUE_SIZE, sink);
    for (int i = 0; i < 5000; i++) {
      appender.doAppend(event(i % 2 == 0, i));
    }
    appender.stop();
    List<String> lines = lines(sink);
    assertThat(lines).hasSize(5000);
    assertThat(lines.get(0)).startsWith("{");
    assertThat(lines.get(1)).contains(" INFO  access - 127.0.0.1 GET /api/orders/1 200 5B 1.23ms id=req-1 user=42");
    assertThat(appender.dropped()).isZero();
  }

  @Test
  @DisplayName("a JSON line has the logger's fields and the request's, escaped; a text line cannot be split by a value")
  void encoding() {
    String odd = "line\nbreak \"quoted\" back\\slash \u00e9\u20ac\ud83d\ude00 \u0001";
    long now = System.currentTimeMillis();
    AccessLogEvent json = new AccessLogEvent(true, now, "id-1", "POST", "/p\u00e4th", 0, 0, 50_000, odd, null, null, true);
    LineBytes bytes = new LineBytes();
    json.writeLine(bytes);
    String line = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    assertThat(line).endsWith("}\n").doesNotContain("\n\n");
    JsonObject parsed = new JsonObject(line);
    assertThat(parsed.fieldNames()).containsExactly("time", "level", "logger", "thread", "request_id", "method", "path",
        "status", "bytes", "duration_ms", "user_id", "aborted");
    assertThat(Instant.parse(parsed.getString("time")).toEpochMilli()).isEqualTo(now);
    assertThat(parsed.getString("level")).isEqualTo("INFO");
    assertThat(parsed.getString("logger")).isEqualTo(AccessLog.LOGGER);
    assertThat(parsed.getString("thread")).isEqualTo(Thread.currentThread().getName());
    assertThat(parsed.getString("user_id")).isEqualTo(odd);
    assertThat(parsed.getString("path")).isEqualTo("/p\u00e4th");
    assertThat(parsed.getDouble("duration_ms")).isEqualTo(0.05);
    assertThat(parsed.getBoolean("aborted")).isTrue();
    assertThat(new JsonObject(json.getFormattedMessage()).fieldNames()).doesNotContain("level", "logger", "thread")
        .contains("time", "request_id", "user_id");

    AccessLogEvent text = new AccessLogEvent(false, now, "id-2", "GET", "/x", 404, 12, 20_000_000, odd, null, "::1", false);
    bytes.reset();
    text.writeLine(bytes);
    String textLine = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    assertThat(textLine).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  access - ::1 GET /x 404 12B 20\\.0ms id=id-2 user=line\\?break .*\n")
        .contains("\u00e9\u20ac\ud83d\ude00 ?");
    assertThat(text.getFormattedMessage()).isEqualTo(textLine.substring(textLine.indexOf(" - ") + 3, textLine.length() - 1));
  }
}
