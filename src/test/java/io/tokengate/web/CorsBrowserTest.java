package io.tokengate.web;

import io.tokengate.support.TestGateway;
import io.tokengate.support.TestTokens;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-route CORS in a real browser (Debian's headless Chromium): pages served from two other
 * loopback origins call a protected route of the gateway with a Bearer token. The listed origin's
 * call goes through (the gateway answers the preflight itself, the upstream sees one GET); the
 * unlisted origin's is blocked by the browser and never reaches the upstream.
 */
class CorsBrowserTest extends BrowserTest {

  private static final String PAGE = "<!doctype html><html><head><title>page</title></head><body>page</body></html>";
  private static final String CALL = """
      const done = arguments[arguments.length - 1];
      fetch(arguments[0], {headers: {'Authorization': 'Bearer ' + arguments[1]}})
        .then(r => r.json().then(body => done('status ' + r.status + ' from ' + body.upstream)))
        .catch(e => done('blocked: ' + e.name));
      """;

  private static Vertx vertx;
  private static HttpServer listed;
  private static HttpServer unlisted;
  private static UpstreamServer upstream;
  private static TestGateway gateway;

  @Override
  protected int gatewayPort() {
    return gateway.port();
  }

  @BeforeAll
  static void startServers() {
    vertx = Vertx.vertx();
    listed = page();
    unlisted = page();
    upstream = UpstreamServer.json("orders");
    gateway = TestGateway.start(new JsonObject().put("routes", new JsonArray().add(new JsonObject()
        .put("name", "orders").put("path", "/api/orders/").put("upstream", upstream.url())
        .put("cors", new JsonObject()
            .put("allowed_origins", new JsonArray().add("http://127.0.0.1:" + listed.actualPort()))
            .put("allowed_headers", new JsonArray().add("Authorization"))))));
  }

  private static HttpServer page() {
    return vertx.createHttpServer()
        .requestHandler(request -> request.response().putHeader("Content-Type", "text/html; charset=utf-8").end(PAGE))
        .listen(0, "127.0.0.1").await();
  }

  @AfterAll
  static void stopServers() {
    if (gateway != null) {
      gateway.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @BeforeEach
  void forget() {
    upstream.clear();
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
  }

  private Object callFrom(HttpServer page) {
    driver.get("http://127.0.0.1:" + page.actualPort() + "/");
    return driver.executeAsyncScript(CALL, url("/api/orders/list"), TestTokens.sign(TestTokens.access(42)));
  }

  @Test
  @DisplayName("a page from a listed origin calls the protected route with a Bearer token; the preflight never reaches the upstream")
  void listedOrigin() {
    assertThat(callFrom(listed)).isEqualTo("status 200 from orders");
    assertThat(upstream.seen()).hasSize(1);
    assertThat(upstream.last().method()).isEqualTo("GET");
    assertThat(upstream.last().header("X-Auth-User-Id")).isEqualTo("42");
  }

  @Test
  @DisplayName("a page from an origin not listed is blocked by the browser, and nothing reaches the upstream")
  void unlistedOrigin() {
    assertThat(callFrom(unlisted)).isEqualTo("blocked: TypeError");
    assertThat(upstream.seen()).isEmpty();
  }
}
