package io.tokengate.proxy;

import io.tokengate.support.Closing;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Scrape;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestTokens;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Proxied routes on the router: duplicate Authorization headers, per-route CORS, the gateway's own paths")
class ProxyRouteChainTest {

  private static final String LISTED = "http://127.0.0.1:7001";
  private static final JsonObject BAD_HEADER = new JsonObject()
      .put("detail", "Authorization header must contain two space-delimited values").put("code", "bad_authorization_header");

  private static UpstreamServer upstream;
  private static TestGateway gateway;
  private static HttpTestClient http;

  @BeforeAll
  static void start() {
    upstream = UpstreamServer.json("api");
    JsonArray routes = new JsonArray()
        .add(upstream.route("required", "/api/required/"))
        .add(upstream.route("optional", "/api/optional/").put("auth", "optional"))
        .add(upstream.route("cors", "/api/cors/").put("cors", new JsonObject()
            .put("allowed_origins", new JsonArray().add(LISTED))
            .put("allowed_methods", new JsonArray().add("GET").add("POST"))
            .put("allowed_headers", new JsonArray().add("Authorization").add("Content-Type"))
            .put("allow_credentials", true)
            .put("max_age", 600)))
        .add(upstream.route("everything", "/").put("auth", "none"));
    gateway = TestGateway.start(new JsonObject().put("routes", routes));
    http = new HttpTestClient(gateway.port());
  }

  @AfterAll
  static void stop() {
    Closing.all(http, gateway, upstream);
  }

  @BeforeEach
  void forget() {
    upstream.clear();
  }

  private static String token() {
    return TestTokens.sign(TestTokens.access(7));
  }

  private static HttpResponse<Buffer> send(HttpMethod method, String path, String... headers) {
    HttpRequest<Buffer> request = http.client().request(method, path);
    for (int i = 0; i < headers.length; i += 2) {
      request.headers().add(headers[i], headers[i + 1]);
    }
    return request.send().await();
  }

  @Test
  @DisplayName("two Authorization headers: 401 bad_authorization_header as Simple JWT behind gunicorn answers, never forwarded")
  void duplicateAuthorization() {
    String token = token();
    for (String path : new String[] {"/api/required/x", "/api/optional/x"}) {
      for (String[] pair : new String[][] {{"Bearer " + token, "Bearer " + token}, {"Basic ZGVtbzpkZW1v", "Bearer " + token},
          {"Bearer " + token, "Basic ZGVtbzpkZW1v"}}) {
        HttpResponse<Buffer> response = send(HttpMethod.GET, path, "Authorization", pair[0], "Authorization", pair[1]);
        assertThat(response.statusCode()).as(path + " " + pair[0].substring(0, 6) + "+" + pair[1].substring(0, 6)).isEqualTo(401);
        assertThat(response.bodyAsJsonObject()).isEqualTo(BAD_HEADER);
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"api\"");
      }
    }
    assertThat(upstream.seen()).isEmpty();
    assertThat(send(HttpMethod.GET, "/api/required/x", "Authorization", "Bearer " + token).statusCode())
        .as("one header still passes").isEqualTo(200);
  }

  @Test
  @DisplayName("a CORS preflight from a listed origin is answered by the gateway and never reaches the upstream")
  void preflightListed() {
    HttpResponse<Buffer> response = send(HttpMethod.OPTIONS, "/api/cors/orders", "Origin", LISTED,
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.getHeader("Access-Control-Allow-Origin")).isEqualTo(LISTED);
    assertThat(response.getHeader("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(response.getHeader("Access-Control-Allow-Methods")).contains("GET").contains("POST");
    assertThat(response.getHeader("Access-Control-Allow-Headers")).contains("Authorization");
    assertThat(response.getHeader("Access-Control-Max-Age")).isEqualTo("600");
    assertThat(upstream.seen()).isEmpty();
  }

  @Test
  @DisplayName("an origin not listed gets no CORS headers, for a preflight or a request, and nothing reaches the upstream")
  void unlistedOrigin() {
    HttpResponse<Buffer> preflight = send(HttpMethod.OPTIONS, "/api/cors/orders", "Origin", "http://127.0.0.1:7002",
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
    assertThat(preflight.statusCode()).isEqualTo(403);
    HttpResponse<Buffer> request = send(HttpMethod.GET, "/api/cors/orders", "Origin", "http://evil.example",
        "Authorization", "Bearer " + token());
    assertThat(request.statusCode()).isEqualTo(403);
    for (HttpResponse<Buffer> response : java.util.List.of(preflight, request)) {
      assertThat(response.headers().names()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
      assertThat(response.bodyAsJsonObject().getString("detail")).isEqualTo("You do not have permission to perform this action.");
    }
    assertThat(upstream.seen()).isEmpty();
  }

  @Test
  @DisplayName("a listed origin's request is authenticated like any other, and its answers (200 or 401) carry the CORS headers")
  void listedOriginRequest() {
    HttpResponse<Buffer> ok = send(HttpMethod.GET, "/api/cors/orders", "Origin", LISTED, "Authorization", "Bearer " + token());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.getHeader("Access-Control-Allow-Origin")).isEqualTo(LISTED);
    assertThat(upstream.last().header("X-Auth-User-Id")).isEqualTo("7");
    upstream.clear();
    HttpResponse<Buffer> refused = send(HttpMethod.GET, "/api/cors/orders", "Origin", LISTED);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.getHeader("Access-Control-Allow-Origin")).as("the page can read the 401").isEqualTo(LISTED);
    assertThat(upstream.seen()).isEmpty();
  }

  @Test
  @DisplayName("without cors: an OPTIONS request that looks like a preflight is still authenticated on a protected route")
  void preflightWithoutCors() {
    HttpResponse<Buffer> response = send(HttpMethod.OPTIONS, "/api/required/x", "Origin", LISTED,
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).isEqualTo("Authentication credentials were not provided.");
    assertThat(upstream.seen()).isEmpty();
    HttpResponse<Buffer> authenticated = send(HttpMethod.OPTIONS, "/api/optional/x", "Authorization", "Bearer " + token(),
        "Access-Control-Request-Headers", "authorization");
    assertThat(authenticated.statusCode()).isEqualTo(200);
    assertThat(upstream.last().header("X-Auth-User-Id")).as("not passed on anonymous").isEqualTo("7");
  }

  @Test
  @DisplayName("a route on / never takes the token API or JWKS, whatever the method; /api/token without its slash is the route's")
  void ownPaths() {
    assertThat(send(HttpMethod.GET, "/api/token/").statusCode()).isEqualTo(405);
    assertThat(send(HttpMethod.PUT, "/api/token/refresh/").statusCode()).isEqualTo(405);
    assertThat(send(HttpMethod.GET, "/api/token/unknown").statusCode()).isEqualTo(404);
    assertThat(send(HttpMethod.POST, "/.well-known/jwks.json").statusCode()).isEqualTo(404);
    assertThat(upstream.seen()).isEmpty();
    assertThat(send(HttpMethod.GET, "/api/token").statusCode()).isEqualTo(200);
    assertThat(upstream.last().uri()).isEqualTo("/api/token");
  }

  @Test
  @DisplayName("server metrics name a proxied route by its prefix, for answers and refusals alike")
  void metricsLabel() {
    send(HttpMethod.GET, "/api/required/metrics", "Authorization", "Bearer " + token());
    send(HttpMethod.GET, "/api/required/metrics");
    try (HttpTestClient management = new HttpTestClient(gateway.gateway().managementPort())) {
      Scrape scrape = new Scrape(management.get("/metrics", null).bodyAsString());
      assertThat(scrape.value("vertx_http_server_requests_total", "route", "/api/required/", "code", "200", "method", "GET"))
          .isGreaterThanOrEqualTo(1.0);
      assertThat(scrape.value("vertx_http_server_requests_total", "route", "/api/required/", "code", "401", "method", "GET"))
          .isGreaterThanOrEqualTo(1.0);
      assertThat(scrape.text()).doesNotContain("route=\"/api/required/>");
    }
  }
}
