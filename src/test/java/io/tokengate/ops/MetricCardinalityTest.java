package io.tokengate.ops;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Scrape;
import io.tokengate.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile clients and upstreams cannot grow /metrics: every label value comes from a closed set. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricCardinalityTest {

  private static final Pattern LABEL = Pattern.compile("(route|method|code)=\"([^\"]*)\"");
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "other");

  private Vertx vertx;
  private HttpServer oddUpstream;
  private TestGateway gateway;
  private HttpTestClient http;
  private HttpTestClient management;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    // answers with the status named by the last path segment: an upstream can send any three digits
    oddUpstream = vertx.createHttpServer().requestHandler(request -> {
      String path = request.path();
      request.response().setStatusCode(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1))).end("odd");
    }).listen(0, "127.0.0.1").await();
    gateway = TestGateway.start(new JsonObject().put("routes", new JsonArray().add(new JsonObject().put("name", "odd")
        .put("path", "/api/odd/").put("auth", "none").put("upstream", "http://127.0.0.1:" + oddUpstream.actualPort()))));
    http = new HttpTestClient(gateway.port());
    management = new HttpTestClient(gateway.gateway().managementPort());
  }

  @AfterAll
  void stop() {
    management.close();
    http.close();
    gateway.close();
    oddUpstream.close().await();
    vertx.close().await();
  }

  private Scrape scrape() {
    HttpResponse<Buffer> response = management.get("/metrics", null);
    assertThat(response.statusCode()).isEqualTo(200);
    return new Scrape(response.bodyAsString());
  }

  /** Made-up methods on made-up paths, the token API and a proxied route, and odd upstream statuses. */
  private void flood(int from, int to) {
    for (int i = from; i < to; i++) {
      String method = "M" + i;
      http.request(HttpMethod.valueOf(method), "/made-up/" + i + "/path");
      http.request(HttpMethod.valueOf(method), "/api/token/?x=" + i);
      http.request(HttpMethod.valueOf(method), "/api/odd/x" + i + "/200");
      http.request(HttpMethod.GET, "/api/odd/" + i + "/" + (210 + i % 80));
    }
  }

  private static long series(Scrape scrape) {
    return scrape.text().lines().filter(line -> line.startsWith("vertx_http_server_") || line.startsWith("tokengate_upstream_")).count();
  }

  @Test
  @DisplayName("flooding made-up methods, paths and upstream status codes adds no series after the first few")
  void closedLabelSets() {
    flood(0, 100);
    scrape(); // the scrape's own series
    Scrape first = scrape();
    flood(100, 400);
    Scrape second = scrape();
    assertThat(series(second)).as("series after 300 more made-up methods, paths and statuses").isEqualTo(series(first));
    assertThat(second.text().length()).isLessThan(first.text().length() + 2_000);

    Set<String> methods = new TreeSet<>();
    Set<String> codes = new TreeSet<>();
    Set<String> routes = new TreeSet<>();
    second.text().lines().filter(line -> line.startsWith("vertx_http_server_") || line.startsWith("tokengate_upstream_")).forEach(line -> {
      Matcher labels = LABEL.matcher(line);
      while (labels.find()) {
        (labels.group(1).equals("method") ? methods : labels.group(1).equals("code") ? codes : routes).add(labels.group(2));
      }
    });
    assertThat(METHODS).containsAll(methods);
    assertThat(methods).contains("other", "GET");
    assertThat(codes).contains("other", "200", "404", "226").allMatch(code -> code.equals("other") || code.matches("[1-5][0-9][0-9]"));
    assertThat(codes.size()).as("codes %s", codes).isLessThan(20);
    assertThat(routes).as("routes are route names or definitions, never a request's path")
        .allMatch(route -> route.isEmpty() || route.equals("odd") || route.equals("/metrics") || route.startsWith("/api/odd/") || route.startsWith("/api/token/"))
        .noneMatch(route -> route.contains("made-up") || route.contains("x1"));
    assertThat(second.value("tokengate_upstream_requests_total", "route", "odd", "code", "other")).isPositive();
    assertThat(second.value("vertx_http_server_requests_total", "method", "other")).isEqualTo(3.0 * 400);
  }

  @Test
  @DisplayName("label helpers: nine methods, registered codes, and at most 256 route labels per server, then other")
  void labelSets() {
    assertThat(MetricLabels.method("PATCH")).isEqualTo("PATCH");
    assertThat(MetricLabels.method("get")).isEqualTo("other");
    assertThat(MetricLabels.method("PROPFIND")).isEqualTo("other");
    assertThat(MetricLabels.code(429)).isEqualTo("429");
    assertThat(MetricLabels.code(299)).isEqualTo("other");
    assertThat(MetricLabels.code(999)).isEqualTo("other");
    assertThat(MetricLabels.code(-1)).isEqualTo("other");
    MetricLabels.Routes routes = new MetricLabels.Routes();
    for (int i = 0; i < MetricLabels.MAX_ROUTES; i++) {
      assertThat(routes.label("/r" + i)).isEqualTo("/r" + i);
    }
    assertThat(routes.label("/one-too-many")).isEqualTo("other");
    assertThat(routes.label("/r7")).isEqualTo("/r7");
  }
}
