package io.tokengate.proxy;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Upstream faults: 502, 504, round-robin and passive health")
class ProxyFaultTest {

  private static final Duration SLOW_TIMEOUT = Duration.ofMillis(600);

  private static UpstreamServer slow;
  private static UpstreamServer stalling;
  private static UpstreamServer first;
  private static UpstreamServer second;
  private static UpstreamServer survivor;
  private static TestGateway gateway;
  private static HttpTestClient http;

  @BeforeAll
  static void start() {
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
    http = new HttpTestClient(gateway.port());
  }

  private static JsonObject open(String name, String path, Object upstream) {
    return new JsonObject().put("name", name).put("path", path).put("upstream", upstream).put("auth", "none");
  }

  @AfterAll
  static void stop() {
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

  private static long millis(Runnable action) {
    long start = System.nanoTime();
    action.run();
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  @DisplayName("an upstream refusing connections: 502 upstream_unavailable at once, and the gateway keeps serving")
  void refused() {
    HttpResponse<Buffer>[] response = new HttpResponse[1];
    long elapsed = millis(() -> response[0] = http.request(HttpMethod.GET, "/api/dead/x"));
    assertThat(response[0].statusCode()).isEqualTo(502);
    assertThat(response[0].getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(response[0].bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("detail", "Bad gateway").put("code", "upstream_unavailable"));
    assertThat(elapsed).isLessThan(2_000);
    assertThat(http.request(HttpMethod.GET, "/api/pair/x").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a WebSocket upgrade to an upstream refusing connections is answered 502 with the JSON body")
  void webSocketRefused() {
    var raw = http.client().get("/api/dead/socket")
        .putHeader("Upgrade", "websocket").putHeader("Connection", "Upgrade")
        .putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").putHeader("Sec-WebSocket-Version", "13")
        .send().await();
    assertThat(raw.statusCode()).isEqualTo(502);
    assertThat(raw.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(raw.bodyAsJsonObject().getString("code")).isEqualTo("upstream_unavailable");
    WebSocketClient client = gateway.gateway().vertx().createWebSocketClient();
    try {
      assertThatThrownBy(() -> client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port())
          .setURI("/api/dead/socket")).await())
          .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(502));
    } finally {
      client.close().await();
    }
    assertThat(http.request(HttpMethod.GET, "/api/pair/x").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("an upstream slower than the route's timeout: 504 upstream_timeout after about the timeout")
  void timeout() {
    HttpResponse<Buffer>[] response = new HttpResponse[1];
    long elapsed = millis(() -> response[0] = http.request(HttpMethod.GET, "/api/slow/x"));
    assertThat(response[0].statusCode()).isEqualTo(504);
    assertThat(response[0].bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("detail", "Gateway timeout").put("code", "upstream_timeout"));
    assertThat(elapsed).isBetween(SLOW_TIMEOUT.toMillis() - 50, SLOW_TIMEOUT.toMillis() + 1_500);
    assertThat(slow.seen()).isNotEmpty();
    assertThat(http.request(HttpMethod.GET, "/api/pair/x").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("an upstream whose body stalls after the head: the client's connection is reset after about the timeout, never a short body passed off as whole")
  void stalledBody() {
    long started = System.nanoTime();
    assertThatThrownBy(() -> http.request(HttpMethod.GET, "/api/stalling/x")).as("an incomplete answer fails the client").isNotNull();
    long elapsed = (System.nanoTime() - started) / 1_000_000;
    assertThat(elapsed).isBetween(SLOW_TIMEOUT.toMillis() - 50, SLOW_TIMEOUT.toMillis() + 1_500);
    assertThat(stalling.seen()).hasSize(1);
    assertThat(http.request(HttpMethod.GET, "/api/pair/x").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("several upstreams share the requests round-robin")
  void roundRobin() {
    first.clear();
    second.clear();
    for (int i = 0; i < 20; i++) {
      assertThat(http.request(HttpMethod.GET, "/api/pair/" + i).statusCode()).isEqualTo(200);
    }
    int a = first.seen().size();
    int b = second.seen().size();
    assertThat(a + b).isEqualTo(20);
    // each of the 2 gateway event loops alternates on its own: the split is even within one per loop
    assertThat(Math.abs(a - b)).isLessThanOrEqualTo(2);
  }

  @Test
  @DisplayName("an upstream that refuses is skipped: every request still gets an answer from a live one")
  void failover() {
    survivor.clear();
    for (int i = 0; i < 10; i++) {
      HttpResponse<Buffer> response = http.request(HttpMethod.GET, "/api/failover/" + i);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getString("upstream")).isEqualTo("survivor");
    }
    assertThat(survivor.seen()).hasSize(10);
  }
}
