package io.tokengate.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.tokengate.support.Jwts;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The access log's hooks (user id, upstream) and line formats, on a bare router: no database needed. */
class AccessLogHandlerTest {

  private static final String KEY = "access-log-test-key-0123456789abcdef0123456789";
  private static final String TOKEN = Jwts.hs256(Jwts.claims("access", 42, 300), KEY);

  private final Vertx vertx = Vertx.vertx();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger logger;

  @BeforeEach
  void attach() {
    logger = (Logger) LoggerFactory.getLogger(AccessLogHandler.LOGGER);
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
    vertx.close().await();
  }

  private int serve(boolean json) {
    Router router = Router.router(vertx);
    router.route().handler(new AccessLogHandler(json, "user_id"));
    JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(KEY)));
    router.get("/private").handler(JWTAuthHandler.create(auth)).handler(ctx -> {
      AccessLogHandler.entry(ctx).upstream("http://orders.internal:8080");
      ctx.response().end("hello");
    });
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    return server.actualPort();
  }

  private String onlyLine() {
    Poll.until(Duration.ofSeconds(5), "an access-log line", () -> {
      synchronized (appender) {
        return !appender.list.isEmpty();
      }
    });
    synchronized (appender) {
      assertThat(appender.list).hasSize(1);
      return appender.list.get(0).getFormattedMessage();
    }
  }

  @Test
  @DisplayName("an authenticated, proxied request logs the user id and the upstream, never the token")
  void userAndUpstream() {
    try (HttpTestClient http = new HttpTestClient(serve(true))) {
      assertThat(http.get("/private?token=" + TOKEN, TOKEN).statusCode()).isEqualTo(200);
    }
    String line = onlyLine();
    JsonObject entry = new JsonObject(line);
    assertThat(entry.getString("user_id")).isEqualTo("42");
    assertThat(entry.getString("upstream")).isEqualTo("http://orders.internal:8080");
    assertThat(entry.getString("path")).isEqualTo("/private");
    assertThat(entry.getLong("bytes")).isEqualTo(5);
    assertThat(line).doesNotContain(TOKEN.split("\\.")[1]).doesNotContain(TOKEN.split("\\.")[2]);
  }

  @Test
  @DisplayName("logging.format text gives a readable line with the same facts")
  void textLine() {
    try (HttpTestClient http = new HttpTestClient(serve(false))) {
      assertThat(http.get("/private", TOKEN).statusCode()).isEqualTo(200);
    }
    assertThat(onlyLine())
        .matches("127\\.0\\.0\\.1 GET /private 200 5B [0-9.]+ms id=[0-9a-f-]{36} user=42 upstream=http://orders\\.internal:8080")
        .doesNotContain(TOKEN.split("\\.")[1]);
  }

  @Test
  @DisplayName("the JSON log encoder puts access-log fields at the top level and other messages under message")
  void jsonEncoder() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();
    AccessLogEvent access = new AccessLogEvent(true, System.currentTimeMillis(), "id-1", "GET", "/x", 200, 2, 1_000_000,
        null, null, "127.0.0.1", false);
    LoggingEvent app = new LoggingEvent(null, context.getLogger("io.tokengate.server.Gateway"), Level.WARN, "port {} busy", null, new Object[] {8000});
    List<JsonObject> lines = Stream.of(access, app)
        .map(e -> new String(encoder.encode(e), StandardCharsets.UTF_8))
        .peek(text -> assertThat(text).endsWith("\n").doesNotContain("\n\n"))
        .map(JsonObject::new)
        .toList();
    assertThat(lines.get(0).getInteger("status")).isEqualTo(200);
    assertThat(lines.get(0).getString("logger")).isEqualTo("tokengate.access");
    assertThat(lines.get(0).containsKey("message")).isFalse();
    assertThat(lines.get(1).getString("message")).isEqualTo("port 8000 busy");
    assertThat(lines.get(1).getString("level")).isEqualTo("WARN");
  }
}
