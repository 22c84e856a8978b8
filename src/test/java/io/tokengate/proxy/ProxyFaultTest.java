package io.tokengate.proxy;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Steps;
import io.tokengate.support.TestGateway;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Upstream faults: 502, 504, round-robin and passive health")
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ProxyFaultTest {

  private static final Duration SLOW_TIMEOUT = Duration.ofMillis(600);

  private static UpstreamServer slow;
  private static UpstreamServer stalling;
  private static UpstreamServer first;
  private static UpstreamServer second;
  private static UpstreamServer survivor;
  private static TestGateway gateway;
  private static HttpTestClient http;
  private static WebSocketClient webSockets;

  @BeforeAll
  static void start(Vertx vertx) {
    slow = UpstreamServer.silent("slow");
    stalling = UpstreamServer.stalling("stalling");
    first = UpstreamServer.json("first");
    second = UpstreamServer.json("second");
    survivor = UpstreamServer.json("survivor");
    String dead = "http://127.0.0.1:" + UpstreamServer.closedPort();
    JsonArray routes = new JsonArray()
        .add(open("dead", "/api/dead/", dead))
        .add(open("slow", "/api/slow/", slow.url()).put("timeout", "PT" + SLOW_TIMEOUT.toMillis() / 1000.0 + "S"))
        .add(open("stalling", "/api/stalling/", stalling.url()).put("timeout", "PT" + SLOW_TIMEOUT.toMillis() / 1000.0 + "S"))
        .add(open("pair", "/api/pair/", new JsonArray().add(first.url()).add(second.url())))
        .add(open("failover", "/api/failover/", new JsonArray().add(dead).add(survivor.url())));
    gateway = TestGateway.start(new JsonObject().put("routes", routes));
    http = new HttpTestClient(vertx, gateway.port());
    webSockets = vertx.createWebSocketClient();
  }

  private static JsonObject open(String name, String path, Object upstream) {
    return new JsonObject().put("name", name).put("path", path).put("upstream", upstream).put("auth", "none");
  }

  @AfterAll
  static void stop() {
    if (webSockets != null) {
      webSockets.close().await();
    }
    for (AutoCloseable closeable : new AutoCloseable[] {http, gateway, slow, stalling, first, second, survivor}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static Future<HttpResponse<Buffer>> get(String path) {
    return http.send(HttpMethod.GET, path);
  }

  /** The gateway still serves: a request to a healthy route answers 200. */
  private static Future<Void> stillServing() {
    return get("/api/pair/x").map(response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      return null;
    });
  }

  private static long millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  @Test
  @DisplayName("an upstream refusing connections: 502 upstream_unavailable at once, and the gateway keeps serving")
  void refused(VertxTestContext ctx) {
    long started = System.nanoTime();
    get("/api/dead/x").map(response -> {
      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
      assertThat(response.bodyAsJsonObject())
          .isEqualTo(new JsonObject().put("detail", "Bad gateway").put("code", "upstream_unavailable"));
      assertThat(millisSince(started)).isLessThan(2_000);
      return response;
    }).compose(v -> stillServing()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a WebSocket upgrade to an upstream refusing connections is answered 502 with the JSON body")
  void webSocketRefused(VertxTestContext ctx) {
    Steps.inOrder(
        () -> http.send(HttpMethod.GET, "/api/dead/socket", "Upgrade", "websocket", "Connection", "Upgrade",
            "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "13").map(raw -> {
              assertThat(raw.statusCode()).isEqualTo(502);
              assertThat(raw.getHeader("Content-Type")).isEqualTo("application/json");
              assertThat(raw.bodyAsJsonObject().getString("code")).isEqualTo("upstream_unavailable");
              return raw;
            }),
        () -> webSockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port())
            .setURI("/api/dead/socket")).transform(connected -> {
              assertThat(connected.failed()).as("the upgrade is rejected").isTrue();
              assertThat(connected.cause()).isInstanceOfSatisfying(UpgradeRejectedException.class,
                  e -> assertThat(e.getStatus()).isEqualTo(502));
              return Future.succeededFuture();
            }),
        ProxyFaultTest::stillServing)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("an upstream slower than the route's timeout: 504 upstream_timeout after about the timeout")
  void timeout(VertxTestContext ctx) {
    long started = System.nanoTime();
    get("/api/slow/x").map(response -> {
      assertThat(response.statusCode()).isEqualTo(504);
      assertThat(response.bodyAsJsonObject())
          .isEqualTo(new JsonObject().put("detail", "Gateway timeout").put("code", "upstream_timeout"));
      assertThat(millisSince(started)).isBetween(SLOW_TIMEOUT.toMillis() - 50, SLOW_TIMEOUT.toMillis() + 1_500);
      assertThat(slow.seen()).isNotEmpty();
      return response;
    }).compose(v -> stillServing()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("an upstream whose body stalls after the head: the client's connection is reset after about the timeout, never a short body passed off as whole")
  void stalledBody(VertxTestContext ctx) {
    long started = System.nanoTime();
    get("/api/stalling/x").transform(answered -> {
      assertThat(answered.failed()).as("an incomplete answer fails the client").isTrue();
      assertThat(millisSince(started)).isBetween(SLOW_TIMEOUT.toMillis() - 50, SLOW_TIMEOUT.toMillis() + 1_500);
      assertThat(stalling.seen()).hasSize(1);
      return stillServing();
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("several upstreams share the requests round-robin")
  void roundRobin(VertxTestContext ctx) {
    first.clear();
    second.clear();
    Steps.times(20, i -> get("/api/pair/" + i).map(response -> assertThat(response.statusCode()).isEqualTo(200))).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      int a = first.seen().size();
      int b = second.seen().size();
      assertThat(a + b).isEqualTo(20);
      // each of the 2 gateway event loops alternates on its own: the split is even within one per loop
      assertThat(Math.abs(a - b)).isLessThanOrEqualTo(2);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("an upstream that refuses is skipped: every request still gets an answer from a live one")
  void failover(VertxTestContext ctx) {
    survivor.clear();
    Steps.times(10, i -> get("/api/failover/" + i).map(response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      return assertThat(response.bodyAsJsonObject().getString("upstream")).isEqualTo("survivor");
    })).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(survivor.seen()).hasSize(10);
      ctx.completeNow();
    })));
  }
}
