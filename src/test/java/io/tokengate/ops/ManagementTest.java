package io.tokengate.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tokengate.db.StartupException;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Poll;
import io.tokengate.support.Scrape;
import io.tokengate.support.TestGateway;
import io.tokengate.support.UpstreamServer;
import io.tokengate.support.Users;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The management port (metrics, health) and the access log, on a real gateway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementTest {

  private static final String PASSWORD = "correct-horse-battery-staple";

  private UpstreamServer upstream;
  private TestGateway gateway;
  private HttpTestClient http;
  private HttpTestClient management;
  private ListAppender<ILoggingEvent> accessLog;
  private Logger accessLogger;

  @BeforeAll
  void start() {
    // attached before the gateway builds its routers: the access log looks at its logger's appenders then
    accessLogger = (Logger) LoggerFactory.getLogger(AccessLogHandler.LOGGER);
    accessLog = new ListAppender<>();
    accessLog.start();
    accessLogger.addAppender(accessLog);
    upstream = UpstreamServer.json("orders");
    gateway = TestGateway.start(new JsonObject().put("logging", new JsonObject().put("format", "json"))
        .put("routes", new JsonArray().add(new JsonObject().put("name", "orders").put("path", "/api/orders/")
            .put("upstream", upstream.url()))));
    http = new HttpTestClient(gateway.port());
    management = new HttpTestClient(gateway.gateway().managementPort());
    new Users(gateway.database()).create("alice", PASSWORD, true);
  }

  @AfterAll
  void stop() {
    accessLogger.detachAppender(accessLog);
    management.close();
    http.close();
    gateway.close();
    upstream.close();
  }

  private Scrape scrape() {
    HttpResponse<Buffer> response = management.get("/metrics", null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
    return new Scrape(response.bodyAsString());
  }

  @Test
  @DisplayName("the management port is not the public port, and the public port serves no metrics")
  void separatePort() {
    assertThat(gateway.gateway().managementPort()).isPositive().isNotEqualTo(gateway.port());
    assertThat(http.get("/metrics", null).statusCode()).isEqualTo(404);
    assertThat(http.get("/health/ready", null).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("request_metrics and access_log off: no per-request HTTP metrics, no access lines; the gateway's own metrics stay")
  void requestMetricsOff() {
    try (TestGateway lean = TestGateway.start(new JsonObject()
             .put("management", new JsonObject().put("request_metrics", false))
             .put("logging", new JsonObject().put("access_log", false)));
         HttpTestClient leanHttp = new HttpTestClient(lean.port());
         HttpTestClient leanManagement = new HttpTestClient(lean.gateway().managementPort())) {
      int linesBefore = accessLog.list.size();
      leanHttp.login("demo", "demo-password");
      assertThat(accessLog.list).as("no access-log line from the lean gateway").hasSize(linesBefore);
      Scrape metrics = new Scrape(leanManagement.get("/metrics", null).bodyAsString());
      assertThat(metrics.value("tokengate_logins_total", "outcome", "success")).isEqualTo(1.0);
      assertThat(metrics.text()).doesNotContain("vertx_http_server_requests_total").contains("jvm_memory_used_bytes");
    }
    assertThat(scrape().text()).as("on by default").contains("vertx_http_server_requests_total");
  }

  @Test
  @DisplayName("logins are counted by outcome, and every outcome is exported before it happens")
  void loginCounters() {
    Scrape before = scrape();
    assertThat(before.value("tokengate_logins_total", "outcome", "throttled")).isZero();
    http.login("alice", PASSWORD);
    http.postJson("/api/token/", new JsonObject().put("username", "alice").put("password", "wrong"));
    http.postJson("/api/token/", new JsonObject().put("username", "nobody").put("password", "wrong"));
    Scrape after = scrape();
    assertThat(after.value("tokengate_logins_total", "outcome", "success") - before.value("tokengate_logins_total", "outcome", "success"))
        .isEqualTo(1.0);
    assertThat(after.value("tokengate_logins_total", "outcome", "bad_credentials")
        - before.value("tokengate_logins_total", "outcome", "bad_credentials")).isEqualTo(2.0);
    assertThat(after.value("tokengate_logins_total", "outcome", "throttled")).isZero();
  }

  @Test
  @DisplayName("refreshes are counted by outcome and revocations by reason (blacklist, reuse)")
  void refreshAndRevocationCounters() {
    Scrape before = scrape();
    JsonObject pair = http.login("alice", PASSWORD);
    HttpResponse<Buffer> refreshed = http.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh")));
    assertThat(refreshed.statusCode()).isEqualTo(200);
    // The first refresh token was rotated: presenting it again is reuse and revokes the family.
    assertThat(http.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh"))).statusCode())
        .isEqualTo(401);
    assertThat(http.postJson("/api/token/refresh/", new JsonObject().put("refresh", "not-a-token")).statusCode())
        .isEqualTo(401);
    JsonObject other = http.login("alice", PASSWORD);
    assertThat(http.postJson("/api/token/blacklist/", new JsonObject().put("refresh", other.getString("refresh"))).statusCode())
        .isEqualTo(200);
    Scrape after = scrape();
    assertThat(delta(before, after, "tokengate_refreshes_total", "outcome", "success")).isEqualTo(1.0);
    assertThat(delta(before, after, "tokengate_refreshes_total", "outcome", "reuse")).isEqualTo(1.0);
    assertThat(delta(before, after, "tokengate_refreshes_total", "outcome", "invalid")).isEqualTo(1.0);
    assertThat(delta(before, after, "tokengate_revocations_total", "reason", "blacklist")).isEqualTo(1.0);
    // The family held the rotated token (already blacklisted) and its successor: one new revocation.
    assertThat(delta(before, after, "tokengate_revocations_total", "reason", "reuse")).isEqualTo(1.0);
    assertThat(after.value("tokengate_revocations_total", "reason", "user")).isZero();
  }

  private static double delta(Scrape before, Scrape after, String name, String label, String value) {
    return after.value(name, label, value) - before.value(name, label, value);
  }

  @Test
  @DisplayName("Vert.x HTTP server metrics carry the route and status; pool and JVM metrics are exported")
  void vertxMetrics() {
    http.login("alice", PASSWORD);
    Scrape before = scrape();
    http.login("alice", PASSWORD);
    Scrape after = scrape();
    String[] route = {"route", "/api/token/", "code", "200", "method", "POST"};
    assertThat(after.value("vertx_http_server_requests_total", route) - before.value("vertx_http_server_requests_total", route))
        .isEqualTo(1.0);
    assertThat(after.value("vertx_http_server_response_time_seconds_count", route)).isGreaterThanOrEqualTo(2.0);
    assertThat(after.has("vertx_http_server_response_time_seconds_bucket", "route", "/api/token/", "le", "+Inf")).isTrue();
    assertThat(after.has("vertx_http_server_response_bytes_bucket")).as("no histogram per byte-size summary").isFalse();
    assertThat(after.value("vertx_pool_usage_seconds_count", "pool_type", "sql", "pool_name", "tokengate-pg")).isPositive();
    assertThat(after.has("vertx_pool_in_use", "pool_type", "sql")).isTrue();
    assertThat(after.value("jvm_memory_used_bytes", "area", "heap")).isPositive();
    assertThat(after.text()).contains("jvm_gc_");
    assertThat(after.value("jvm_threads_live_threads")).isPositive();
    assertThat(after.value("jvm_classes_loaded_classes")).isPositive();
  }

  @Test
  @DisplayName("proxied requests are counted per route, upstream and status, timed, and logged with user and upstream; server metrics never name a client address")
  void upstreamMetricsAndLog() {
    String access = http.login("alice", PASSWORD).getString("access");
    Scrape before = scrape();
    String target = "127.0.0.1:" + upstream.port();
    String[] labels = {"route", "orders", "upstream", target, "code", "200"};
    HttpResponse<Buffer> proxied = http.get("/api/orders/42", access);
    assertThat(proxied.statusCode()).isEqualTo(200);
    assertThat(http.get("/api/orders/43", access).statusCode()).isEqualTo(200);
    assertThat(http.get("/api/orders/44", null).statusCode()).as("refused before the upstream").isEqualTo(401);
    Scrape after = scrape();
    assertThat(before.has("tokengate_upstream_requests_total", labels)).as("bound at the first answer").isFalse();
    assertThat(after.value("tokengate_upstream_requests_total", labels)).isEqualTo(2.0);
    assertThat(after.value("tokengate_upstream_response_time_seconds_count", "route", "orders", "upstream", target)).isGreaterThanOrEqualTo(2.0);
    assertThat(after.has("tokengate_upstream_response_time_seconds_max", "route", "orders", "upstream", target)).isTrue();
    assertThat(after.has("tokengate_upstream_response_time_seconds_bucket")).as("no second histogram per request").isFalse();
    assertThat(after.value("tokengate_upstream_errors_total", "route", "orders", "upstream", target, "kind", "connect")).isZero();
    String[] route = {"route", "/api/orders/", "code", "200", "method", "GET"};
    assertThat(after.value("vertx_http_server_requests_total", route))
        .as("the server metrics name the proxied route by its prefix").isEqualTo(2.0);
    assertThat(after.text().lines().filter(line -> line.startsWith("vertx_http_server_") || line.startsWith("vertx_net_server_")))
        .isNotEmpty()
        .noneMatch(line -> line.contains("remote=\"") || line.contains("127.0.0.1"));

    JsonObject line = Poll.value(Duration.ofSeconds(5), "the proxied request's access-log line", () -> line(proxied.getHeader("X-Request-Id")));
    assertThat(line.getString("path")).isEqualTo("/api/orders/42");
    assertThat(line.getInteger("status")).isEqualTo(200);
    assertThat(line.getString("user_id")).isNotBlank();
    assertThat(line.getString("upstream")).isEqualTo(upstream.url());
    assertThat(line.getLong("bytes")).isPositive();
    assertThat(upstream.seen().stream().filter(seen -> seen.uri().equals("/api/orders/42")).findFirst().orElseThrow()
        .header("X-Request-Id")).as("the upstream gets the id the client sees").isEqualTo(proxied.getHeader("X-Request-Id"));
  }

  @Test
  @DisplayName("a management port already in use stops start-up with a message naming management.port")
  void managementPortInUse() {
    int taken = gateway.gateway().managementPort();
    assertThatThrownBy(() -> gateway.startSibling(new JsonObject().put("management", new JsonObject().put("port", taken))))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("management.port")
        .hasMessageContaining(String.valueOf(taken));
  }

  @Test
  @DisplayName("/health/live and /health/ready answer 200 with every check UP")
  void healthBodies() {
    HttpResponse<Buffer> live = management.get("/health/live", null);
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.bodyAsJsonObject().getString("status")).isEqualTo("UP");

    HttpResponse<Buffer> ready = management.get("/health/ready", null);
    assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(200);
    JsonObject body = ready.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("UP");
    JsonArray checks = body.getJsonArray("checks");
    assertThat(checks.stream().map(c -> ((JsonObject) c).getString("id")))
        .containsExactlyInAnyOrder("database", "migrations", "verticles");
    assertThat(checks.stream().map(c -> ((JsonObject) c).getString("status"))).containsOnly("UP");
  }

  @Test
  @DisplayName("each request leaves one JSON access-log line, with no password, token or query string")
  void accessLog() {
    HttpResponse<Buffer> login = http.postJson("/api/token/", new JsonObject().put("username", "alice").put("password", PASSWORD));
    assertThat(login.statusCode()).isEqualTo(200);
    String requestId = login.getHeader("X-Request-Id");
    assertThat(requestId).isNotBlank();
    JsonObject entry = Poll.value(Duration.ofSeconds(5), "the login's access-log line", () -> line(requestId));

    assertThat(entry.getString("method")).isEqualTo("POST");
    assertThat(entry.getString("path")).isEqualTo("/api/token/");
    assertThat(entry.getInteger("status")).isEqualTo(200);
    assertThat(entry.getLong("bytes")).isEqualTo(login.body().length());
    assertThat(entry.getDouble("duration_ms")).isGreaterThan(0.0);
    assertThat(entry.getString("client")).isEqualTo("127.0.0.1");
    assertThat(Instant.parse(entry.getString("time"))).isBetween(Instant.now().minusSeconds(30), Instant.now());
    assertThat(entry.fieldNames()).doesNotContain("user_id", "upstream");

    String secret = "query-secret-" + System.nanoTime();
    HttpResponse<Buffer> withQuery = http.get("/api/token/verify/?token=" + secret, "bearer-" + secret);
    assertThat(withQuery.statusCode()).isEqualTo(405);
    JsonObject queried = Poll.value(Duration.ofSeconds(5), "the GET's access-log line", () -> line(withQuery.getHeader("X-Request-Id")));
    assertThat(queried.getString("path")).isEqualTo("/api/token/verify/");
    assertThat(queried.getInteger("status")).isEqualTo(405);

    String everything = String.join("\n", accessLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    assertThat(everything)
        .doesNotContain(PASSWORD)
        .doesNotContain(login.bodyAsJsonObject().getString("access"))
        .doesNotContain(login.bodyAsJsonObject().getString("refresh"))
        .doesNotContain(secret);
  }

  @Test
  @DisplayName("a plain X-Request-Id from the client is kept; anything else is replaced")
  void requestIds() {
    HttpResponse<Buffer> kept = http.client().get("/nowhere").putHeader("X-Request-Id", "abc-123.x_y").send().await();
    assertThat(kept.getHeader("X-Request-Id")).isEqualTo("abc-123.x_y");
    HttpResponse<Buffer> replaced = http.client().get("/nowhere").putHeader("X-Request-Id", "evil\" \"id").send().await();
    assertThat(replaced.getHeader("X-Request-Id")).isNotEqualTo("evil\" \"id").matches("[0-9a-f-]{36}");
    assertThat(Poll.value(Duration.ofSeconds(5), "the 404's line", () -> line("abc-123.x_y")).getInteger("status")).isEqualTo(404);
  }

  private JsonObject line(String requestId) {
    List<ILoggingEvent> events;
    synchronized (accessLog) {
      events = List.copyOf(accessLog.list);
    }
    List<JsonObject> matching = events.stream()
        .map(e -> new JsonObject(e.getFormattedMessage()))
        .filter(json -> requestId.equals(json.getString("request_id")))
        .toList();
    assertThat(matching).hasSizeLessThanOrEqualTo(1);
    return matching.isEmpty() ? null : matching.get(0);
  }
}
