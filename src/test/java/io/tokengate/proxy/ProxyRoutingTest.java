package io.tokengate.proxy;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Steps;
import io.tokengate.support.TestGateway;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Gateway routes: prefix matching, path rewriting and the headers the upstream sees")
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ProxyRoutingTest {

  private static UpstreamServer shallow;
  private static UpstreamServer deep;
  private static UpstreamServer wide;
  private static UpstreamServer pooled;
  private static TestGateway gateway;
  private static HttpTestClient http;
  private static HttpClient raw;

  @BeforeAll
  static void start(Vertx vertx) {
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
    http = new HttpTestClient(vertx, gateway.port());
    // a client that sends the URI exactly as written and may open 40 connections at once
    raw = vertx.httpClientBuilder().with(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(40)).build();
  }

  private static JsonObject open(String name, String path, UpstreamServer upstream) {
    return new JsonObject().put("name", name).put("path", path).put("upstream", upstream.url()).put("auth", "none");
  }

  @AfterAll
  static void stop() {
    if (raw != null) {
      raw.close().await();
    }
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

  /** The name of the upstream that answered {@code path} (which must answer 200). */
  private static Future<String> upstreamOf(String path) {
    return http.send(HttpMethod.GET, path).map(response -> {
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      return response.bodyAsJsonObject().getString("upstream");
    });
  }

  private static Future<Void> expectUpstream(String path, String name) {
    return upstreamOf(path).map(upstream -> {
      assertThat(upstream).as(path).isEqualTo(name);
      return null;
    });
  }

  /** GET {@code uri} sent exactly as written (no normalisation by the client): its status. */
  private static Future<Integer> rawStatus(String uri) {
    return raw.request(new RequestOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI(uri))
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode()));
  }

  private static Future<Integer> status(HttpMethod method, String path) {
    return http.send(method, path).map(HttpResponse::statusCode);
  }

  @Test
  @DisplayName("the longest matching prefix wins, whatever the order in the configuration")
  void longestPrefix(VertxTestContext ctx) {
    Steps.inOrder(
        () -> expectUpstream("/api/r/deep/x", "deep"),
        () -> expectUpstream("/api/r/deep/", "deep"),
        () -> expectUpstream("/api/r/deeper", "shallow"),
        () -> expectUpstream("/api/r/x", "shallow"),
        () -> expectUpstream("/api/other", "wide").map(v -> {
          assertThat(deep.last().uri()).isEqualTo("/api/r/deep/");
          return v;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("paths outside every prefix are not proxied (404 JSON)")
  void noMatch(VertxTestContext ctx) {
    http.send(HttpMethod.GET, "/elsewhere").onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "Not found."));
      assertThat(wide.seen()).isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a route on /api/ does not swallow the token API")
  void tokenApiStaysLocal(VertxTestContext ctx) {
    Steps.inOrder(
        () -> status(HttpMethod.GET, "/api/token/").map(code -> assertThat(code).isEqualTo(405)),
        () -> status(HttpMethod.GET, "/api/token/unknown/").map(code -> assertThat(code).isEqualTo(404)),
        () -> http.loginAsync("demo", "demo-password").map(pair -> {
          assertThat(pair.containsKey("access")).isTrue();
          assertThat(wide.seen()).isEmpty();
          return pair;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("strip_prefix removes the route's prefix and keeps a leading slash and the query")
  void stripPrefix(VertxTestContext ctx) {
    Steps.inOrder(
        () -> status(HttpMethod.GET, "/api/strip/a/b?q=1&r=2").map(code -> assertThat(shallow.last().uri()).isEqualTo("/a/b?q=1&r=2")),
        () -> status(HttpMethod.GET, "/api/strip/").map(code -> assertThat(shallow.last().uri()).isEqualTo("/")),
        () -> status(HttpMethod.GET, "/api/r/a?q=1").map(code -> assertThat(shallow.last().uri()).isEqualTo("/api/r/a?q=1")))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a path with dot segments is refused, so gateway and upstream never disagree on the route")
  void dotSegments(VertxTestContext ctx) {
    rawStatus("/api/r/../r/deep/x").onComplete(ctx.succeeding(code -> ctx.verify(() -> {
      assertThat(code).isEqualTo(400);
      assertThat(deep.seen()).isEmpty();
      assertThat(shallow.seen()).isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("the upstream gets X-Forwarded-*/Forwarded from the gateway, not the client, and no hop-by-hop headers")
  void forwardedAndHopByHop(VertxTestContext ctx) {
    http.send(HttpMethod.GET, "/api/r/x",
            "X-Forwarded-For", "6.6.6.6",
            "Forwarded", "for=6.6.6.6",
            "Connection", "keep-alive, X-Secret-Hop",
            "X-Secret-Hop", "1",
            "Keep-Alive", "timeout=5",
            "TE", "trailers",
            "Proxy-Authorization", "Basic eDp5",
            "X-Custom", "kept")
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
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
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the upstream pool is bounded: 40 concurrent requests queue on max_connections per event loop, and all succeed")
  void boundedPool(VertxTestContext ctx) {
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      answers.add(rawStatus("/api/pooled/" + i));
    }
    Future.all(answers).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      assertThat(answers).allSatisfy(answer -> assertThat(answer.result()).isEqualTo(200));
      assertThat(pooled.seen()).hasSize(40);
      // max_connections: 2 per event loop, 2 event loops in the test gateway
      assertThat(pooled.remotePorts()).hasSizeBetween(2, 4);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("requests reuse keep-alive connections to the upstream")
  void keepAlive(VertxTestContext ctx) {
    Steps.times(20, i -> status(HttpMethod.GET, "/api/r/k" + i)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(shallow.seen()).hasSize(20);
      // one connection per gateway event loop at most (the test gateway runs 2 HTTP verticles)
      assertThat(shallow.remotePorts()).hasSizeLessThanOrEqualTo(2);
      ctx.completeNow();
    })));
  }
}
