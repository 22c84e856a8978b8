package io.tokengate.proxy;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;


import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Gateway routes: prefix matching, path rewriting and the headers the upstream sees")
class ProxyRoutingTest {

  private static UpstreamServer shallow;
  private static UpstreamServer deep;
  private static UpstreamServer wide;
  private static UpstreamServer pooled;
  private static TestGateway gateway;
  private static HttpTestClient http;

  @BeforeAll
  static void start() {
    shallow = UpstreamServer.json("shallow");
    deep = UpstreamServer.json("deep");
    wide = UpstreamServer.json("wide");
    pooled = UpstreamServer.delayedJson("pooled", 100);
    JsonArray routes = new JsonArray()
        .add(open("wide", "/api/", wide))
        .add(open("shallow", "/api/r/", shallow))
        .add(open("deep", "/api/r/deep/", deep))
        .add(open("strip", "/api/strip/", shallow).put("strip_prefix", true))
        .add(open("pooled", "/api/pooled/", pooled).put("max_connections", 2));
    gateway = TestGateway.start(new JsonObject().put("routes", routes));
    http = new HttpTestClient(gateway.port());
  }

  private static JsonObject open(String name, String path, UpstreamServer upstream) {
    return new JsonObject().put("name", name).put("path", path).put("upstream", upstream.url()).put("auth", "none");
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {http, gateway, shallow, deep, wide, pooled}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @BeforeEach
  void forget() {
    shallow.clear();
    deep.clear();
    wide.clear();
  }

  private static String upstreamOf(String path) {
    HttpResponse<Buffer> response = http.request(HttpMethod.GET, path);
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.bodyAsJsonObject().getString("upstream");
  }

  @Test
  @DisplayName("the longest matching prefix wins, whatever the order in the configuration")
  void longestPrefix() {
    assertThat(upstreamOf("/api/r/deep/x")).isEqualTo("deep");
    assertThat(upstreamOf("/api/r/deep/")).isEqualTo("deep");
    assertThat(upstreamOf("/api/r/deeper")).isEqualTo("shallow");
    assertThat(upstreamOf("/api/r/x")).isEqualTo("shallow");
    assertThat(upstreamOf("/api/other")).isEqualTo("wide");
    assertThat(deep.last().uri()).isEqualTo("/api/r/deep/");
  }

  @Test
  @DisplayName("paths outside every prefix are not proxied (404 JSON)")
  void noMatch() {
    HttpResponse<Buffer> response = http.request(HttpMethod.GET, "/elsewhere");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "Not found."));
    assertThat(wide.seen()).isEmpty();
  }

  @Test
  @DisplayName("a route on /api/ does not swallow the token API")
  void tokenApiStaysLocal() {
    assertThat(http.request(HttpMethod.GET, "/api/token/").statusCode()).isEqualTo(405);
    assertThat(http.request(HttpMethod.GET, "/api/token/unknown/").statusCode()).isEqualTo(404);
    assertThat(http.login("demo", "demo-password").containsKey("access")).isTrue();
    assertThat(wide.seen()).isEmpty();
  }

  @Test
  @DisplayName("strip_prefix removes the route's prefix and keeps a leading slash and the query")
  void stripPrefix() {
    http.request(HttpMethod.GET, "/api/strip/a/b?q=1&r=2");
    assertThat(shallow.last().uri()).isEqualTo("/a/b?q=1&r=2");
    http.request(HttpMethod.GET, "/api/strip/");
    assertThat(shallow.last().uri()).isEqualTo("/");
    http.request(HttpMethod.GET, "/api/r/a?q=1");
    assertThat(shallow.last().uri()).isEqualTo("/api/r/a?q=1");
  }

  @Test
  @DisplayName("a path with dot segments is refused, so gateway and upstream never disagree on the route")
  void dotSegments() {
    HttpClient raw = gateway.gateway().vertx().createHttpClient();
    try {
      HttpClientResponse response = raw.request(new RequestOptions().setHost("127.0.0.1").setPort(gateway.port())
          .setURI("/api/r/../r/deep/x")).compose(request -> request.send()).await();
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(deep.seen()).isEmpty();
      assertThat(shallow.seen()).isEmpty();
    } finally {
      raw.close().await();
    }
  }

  @Test
  @DisplayName("the upstream gets X-Forwarded-*/Forwarded from the gateway, not the client, and no hop-by-hop headers")
  void forwardedAndHopByHop() {
    HttpResponse<Buffer> response = http.client().get("/api/r/x")
        .putHeader("X-Forwarded-For", "6.6.6.6")
        .putHeader("Forwarded", "for=6.6.6.6")
        .putHeader("Connection", "keep-alive, X-Secret-Hop")
        .putHeader("X-Secret-Hop", "1")
        .putHeader("Keep-Alive", "timeout=5")
        .putHeader("TE", "trailers")
        .putHeader("Proxy-Authorization", "Basic eDp5")
        .putHeader("X-Custom", "kept")
        .send().await();
    assertThat(response.statusCode()).isEqualTo(200);
    UpstreamServer.Seen seen = shallow.last();
    assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
    assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(seen.header("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + gateway.port());
    assertThat(seen.header("Host")).isEqualTo("127.0.0.1:" + shallow.port());
    assertThat(seen.header("Forwarded")).isEqualTo("for=127.0.0.1;proto=http;host=\"127.0.0.1:" + gateway.port() + "\"");
    assertThat(seen.header("X-Custom")).isEqualTo("kept");
    assertThat(seen.headers().fieldNames()).doesNotContain("x-secret-hop", "keep-alive", "te", "proxy-authorization");
    assertThat(seen.header("X-Request-Id")).isNotBlank();
  }

  @Test
  @DisplayName("the upstream pool is bounded: 40 concurrent requests queue on max_connections per event loop, and all succeed")
  void boundedPool() {
    HttpClient client = gateway.gateway().vertx().httpClientBuilder()
        .with(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(40)).build();
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        answers.add(client.request(new RequestOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI("/api/pooled/" + i))
            .compose(request -> request.send()).compose(response -> response.body().map(body -> response.statusCode())));
      }
      Future.all(answers).await();
      assertThat(answers).allSatisfy(answer -> assertThat(answer.result()).isEqualTo(200));
    } finally {
      client.close().await();
    }
    assertThat(pooled.seen()).hasSize(40);
    // max_connections: 2 per event loop, 2 event loops in the test gateway
    assertThat(pooled.remotePorts()).hasSizeBetween(2, 4);
  }

  @Test
  @DisplayName("requests reuse keep-alive connections to the upstream")
  void keepAlive() {
    for (int i = 0; i < 20; i++) {
      http.request(HttpMethod.GET, "/api/r/k" + i);
    }
    assertThat(shallow.seen()).hasSize(20);
    // one connection per gateway event loop at most (the test gateway runs 2 HTTP verticles)
    assertThat(shallow.remotePorts()).hasSizeLessThanOrEqualTo(2);
  }
}
