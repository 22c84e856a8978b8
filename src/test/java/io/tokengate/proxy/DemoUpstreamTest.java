package io.tokengate.proxy;

import io.tokengate.config.GatewayConfig;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The dev-mode demo upstream")
class DemoUpstreamTest {

  private static final JsonObject HELLO = new JsonObject().put("name", "hello").put("path", "/api/hello/").put("upstream", "demo");

  @Test
  @DisplayName("dev mode: log in as the demo user, call /api/hello/ and see the identity the upstream got")
  void walkThrough() {
    try (TestGateway gateway = TestGateway.start(new JsonObject().put("routes", new JsonArray().add(HELLO)));
         HttpTestClient http = new HttpTestClient(gateway.port())) {
      assertThat(http.get("/api/hello/", null).statusCode()).isEqualTo(401);
      String access = http.login("demo", "demo-password").getString("access");
      HttpResponse<Buffer> response = http.client().get("/api/hello/world").putHeader("Authorization", "Bearer " + access)
          .putHeader("X-Request-Id", "walk-1").send().await();
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getString("message")).isEqualTo("Hello from the demo upstream");
      assertThat(body.getString("user_id")).matches("\\d+");
      assertThat(body.getString("path")).isEqualTo("/api/hello/world");
      assertThat(body.getString("method")).isEqualTo("GET");
      assertThat(body.getJsonObject("headers").getString("X-Auth-User-Id")).isEqualTo(body.getString("user_id"));
      assertThat(body.getJsonObject("headers").getString("X-Request-Id")).isEqualTo("walk-1");
    }
  }

  @Test
  @DisplayName("prod mode: a route to the demo upstream is left out, the others stay")
  void prodSkipsDemo() {
    JsonObject other = new JsonObject().put("name", "real").put("path", "/api/real/").put("upstream", "http://127.0.0.1:9");
    GatewayConfig prod = GatewayConfig.fromJson(new JsonObject()
        .put("mode", "prod").put("http", new JsonObject().put("host", "127.0.0.1"))
        .put("database", new JsonObject().put("url", "postgresql://tokengate@127.0.0.1:5432/tokengate"))
        .put("jwt", new JsonObject().put("signing_key", TestGateway.SIGNING_KEY))
        .put("routes", new JsonArray().add(HELLO).add(other)));
    Vertx vertx = Vertx.vertx();
    try {
      GatewayConfig attached = DemoUpstream.attach(vertx, prod).await();
      assertThat(attached.routes()).extracting(route -> route.name()).containsExactly("real");
      assertThat(vertx.deploymentIDs()).isEmpty();
    } finally {
      vertx.close().await();
    }
  }
}
