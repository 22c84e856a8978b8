package io.tokengate.web;

import io.tokengate.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static io.tokengate.web.PageClient.BROWSER_ACCEPT;
import static io.tokengate.web.PageClient.header;
import static io.tokengate.web.PageClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The homepage, its assets and the error pages over plain HTTP, on a dev-mode gateway with the shipped files. */
class HomepageHttpTest {

  private static final Path WEBROOT = Path.of(System.getProperty("tokengate.project.dir", "."), "webroot");

  private static TestGateway gateway;
  private static PageClient http;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(new JsonObject().put("routes", new JsonArray()
        .add(new JsonObject().put("name", "hello").put("path", "/api/hello/").put("upstream", "demo"))
        .add(new JsonObject().put("name", "svc").put("path", "/svc/").put("upstream", "http://127.0.0.1:9"))));
    http = new PageClient(gateway.port());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  @DisplayName("GET / renders the homepage with the demo route, the dev user and no inline script or style")
  void homepage() {
    HttpResponse<byte[]> response = http.get("/", "Accept", BROWSER_ACCEPT);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(header(response, "Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertSecurityHeaders(response);
    String html = text(response);
    assertThat(html)
        .contains("<title>tokengate</title>")
        .contains("data-mode=\"dev\"", "data-demo-path=\"/api/hello/\"", "data-demo-user=\"demo\"", "data-cookie-mode=\"false\"")
        .contains("<script type=\"module\" src=\"/js/app.js\"></script>")
        .contains("id=\"call-api\"")
        .doesNotContain("{{");
    assertThat(html).doesNotContainPattern("<script(?![^>]*\\ssrc=)").doesNotContain("<style").doesNotContain(" style=");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "/js/app.js, text/javascript",
      "/css/app.css, text/css",
      "/img/logo.svg, image/svg+xml",
      "/favicon.svg, image/svg+xml"})
  @DisplayName("each asset is served with the security headers, an ETag and no-cache in dev mode")
  void assetHeaders(String path, String type) throws IOException {
    HttpResponse<byte[]> response = http.get(path);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(header(response, "Content-Type")).startsWith(type);
    assertSecurityHeaders(response);
    assertThat(header(response, "ETag")).matches("W/\"[0-9a-f]+-[0-9a-f]+\"");
    assertThat(header(response, "Last-Modified")).isNotBlank();
    assertThat(header(response, "Cache-Control")).isEqualTo("no-cache");
    assertThat(header(response, "Content-Encoding")).isNull();
    assertThat(response.body()).isEqualTo(Files.readAllBytes(WEBROOT.resolve(path.substring(1))));
  }

  @Test
  @DisplayName("an asset is gzipped for a client that accepts gzip, and unpacks to the file")
  void assetGzip() throws IOException {
    HttpResponse<byte[]> response = http.get("/js/app.js", "Accept-Encoding", "gzip");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(header(response, "Content-Encoding")).isEqualTo("gzip");
    assertThat(header(response, "Vary")).containsIgnoringCase("accept-encoding");
    byte[] file = Files.readAllBytes(WEBROOT.resolve("js/app.js"));
    assertThat(response.body().length).isLessThan(file.length / 2);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
      assertThat(in.readAllBytes()).isEqualTo(file);
    }
  }

  @Test
  @DisplayName("a client offering h2c stays on HTTP/1.1, so gzip stays real when encodings mix on one connection")
  void gzipWithH2cClient() throws Exception {
    // The JDK client asks for an h2c upgrade; Vert.x 5.0.x would then mislabel plain bodies as gzip.
    HttpClient client = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + gateway.port() + "/css/app.css");
    byte[] file = Files.readAllBytes(WEBROOT.resolve("css/app.css"));
    for (boolean gzip : new boolean[] {true, false, true}) {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri);
      if (gzip) {
        request.header("Accept-Encoding", "gzip");
      }
      HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      if (gzip) {
        assertThat(header(response, "Content-Encoding")).isEqualTo("gzip");
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
          assertThat(in.readAllBytes()).isEqualTo(file);
        }
      } else {
        assertThat(header(response, "Content-Encoding")).isNull();
        assertThat(response.body()).isEqualTo(file);
      }
    }
  }

  @Test
  @DisplayName("a request with the asset's current ETag gets 304 without a body, a stale one the file")
  void conditionalAsset() {
    String etag = header(http.get("/css/app.css"), "ETag");

    HttpResponse<byte[]> fresh = http.get("/css/app.css", "If-None-Match", etag);
    assertThat(fresh.statusCode()).isEqualTo(304);
    assertThat(fresh.body()).isEmpty();
    assertThat(header(fresh, "ETag")).isEqualTo(etag);

    HttpResponse<byte[]> stale = http.get("/css/app.css", "If-None-Match", "W/\"0-0\"");
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isNotEmpty();
  }

  @Test
  @DisplayName("an unknown page URL gives a browser the HTML 404 page with the security headers")
  void htmlNotFound() {
    HttpResponse<byte[]> response = http.get("/no/such/page", "Accept", BROWSER_ACCEPT);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(header(response, "Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertSecurityHeaders(response);
    assertThat(text(response)).contains("<title>404 Page not found &middot; tokengate</title>")
        .contains("class=\"error-card__status\">404<", "There is no page at this address.")
        .doesNotContain("{{");
  }

  @Test
  @DisplayName("a missing asset gives JSON to a client that does not ask for HTML")
  void missingAssetIsJson() {
    HttpResponse<byte[]> response = http.get("/js/missing.js", "Accept", "*/*");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(header(response, "Content-Type")).isEqualTo("application/json");
    assertThat(new JsonObject(text(response))).isEqualTo(new JsonObject().put("detail", "Not found."));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"/api/no-such-endpoint", "/api", "/svc/anything"})
  @DisplayName("API paths and gateway routes keep their JSON errors even when a browser asks")
  void apiErrorsStayJson(String path) {
    HttpResponse<byte[]> response = http.get(path, "Accept", BROWSER_ACCEPT);

    assertThat(response.statusCode()).isGreaterThanOrEqualTo(400);
    assertThat(header(response, "Content-Type")).isEqualTo("application/json");
    assertThat(new JsonObject(text(response)).getString("detail")).isNotBlank();
  }

  @Test
  @DisplayName("the token API keeps its JSON 405 for a browser")
  void tokenApiMethodNotAllowed() {
    HttpResponse<byte[]> response = http.get("/api/token/", "Accept", BROWSER_ACCEPT);

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(header(response, "Content-Type")).isEqualTo("application/json");
    assertThat(new JsonObject(text(response))).isEqualTo(new JsonObject().put("detail", "Method \"GET\" not allowed."));
  }

  static void assertSecurityHeaders(HttpResponse<?> response) {
    assertThat(header(response, "Content-Security-Policy")).isEqualTo("default-src 'self'; script-src 'self'; "
        + "style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        + "form-action 'self'");
    assertThat(header(response, "X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(header(response, "Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(header(response, "X-Frame-Options")).isEqualTo("DENY");
  }
}
