package io.tokengate.proxy;

import io.tokengate.auth.TokenCodec;
import io.tokengate.config.GatewayConfig;
import io.tokengate.ops.GatewayMetrics;
import io.tokengate.revocation.Revocations;
import io.tokengate.support.TestDatabase;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestTokens;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A vertx-web handler added to a proxied route runs in its chain, after admission and before the upstream")
class ProxyExtraHandlerTest {

  private static final List<String> ran = new CopyOnWriteArrayList<>();
  private static Vertx vertx;
  private static UpstreamServer upstream;
  private static UpstreamServer echo;
  private static WebClient client;

  @BeforeAll
  static void start() {
    upstream = UpstreamServer.json("api");
    echo = UpstreamServer.echo("echo");
    GatewayConfig config;
    try (TestDatabase database = TestDatabase.create()) {
      config = TestGateway.config(TestGateway.baseConfig(database).put("routes", new JsonArray()
          .add(new JsonObject().put("name", "api").put("path", "/api/").put("upstream", upstream.url()))
          .add(new JsonObject().put("name", "echo").put("path", "/echo/").put("upstream", echo.url()))));
    }
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    GatewayRoutes routes = new GatewayRoutes(vertx, config, new TokenCodec(vertx, config.jwt()),
        new Revocations(config.jwt().userIdClaim()), new GatewayMetrics(GatewayMetrics.newRegistry(), false));
    routes.mount(router, (route, chain) -> {
      if (route.name().equals("api")) {
        chain.handler(ctx -> {
          ran.add("user " + ctx.user().get("user_id") + ", upstream calls so far " + upstream.seen().size());
          if (ctx.request().getHeader("X-Block") != null) {
            ctx.fail(403);
            return;
          }
          ctx.request().headers().add("X-Chain", "extra");
          ctx.next();
        });
      } else {
        // asynchronous: the streamed body must still reach the upstream whole
        chain.handler(ctx -> vertx.setTimer(50, id -> ctx.next()));
      }
    });
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  @BeforeEach
  void forget() {
    ran.clear();
    upstream.clear();
  }

  private static String bearer() {
    return "Bearer " + TestTokens.sign(TestTokens.access(7));
  }

  @Test
  @DisplayName("the handler sees the authenticated user, runs before the upstream is called, and what it adds reaches the upstream")
  void runsBeforeUpstream() {
    HttpResponse<Buffer> response = client.get("/api/orders").putHeader("Authorization", bearer()).send().await();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(ran).containsExactly("user 7, upstream calls so far 0");
    assertThat(upstream.seen()).hasSize(1);
    assertThat(upstream.last().header("X-Chain")).isEqualTo("extra");
  }

  @Test
  @DisplayName("a refusal by the handler is the route's JSON answer and the upstream is never called")
  void refusal() {
    HttpResponse<Buffer> response = client.get("/api/orders").putHeader("Authorization", bearer()).putHeader("X-Block", "1")
        .send().await();
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.bodyAsJsonObject().getString("detail")).isEqualTo("You do not have permission to perform this action.");
    assertThat(ran).hasSize(1);
    assertThat(upstream.seen()).isEmpty();
  }

  @Test
  @DisplayName("a request the admission refuses never reaches the handler")
  void afterAdmission() {
    HttpResponse<Buffer> response = client.get("/api/orders").send().await();
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(ran).isEmpty();
    assertThat(upstream.seen()).isEmpty();
  }

  @Test
  @DisplayName("an asynchronous handler on the route loses no byte of a streamed body")
  void asyncHandlerKeepsBody() {
    Buffer body = Buffer.buffer();
    for (int i = 0; i < 20_000; i++) {
      body.appendString("chunk-" + i + ";");
    }
    HttpResponse<Buffer> response = client.post("/echo/upload").putHeader("Authorization", bearer()).sendBuffer(body).await();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body().length()).isEqualTo(body.length());
    assertThat(response.body()).isEqualTo(body);
  }
}
