package io.tokengate.web;

import io.tokengate.support.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

import static io.tokengate.web.PageClient.BROWSER_ACCEPT;
import static io.tokengate.web.PageClient.header;
import static io.tokengate.web.PageClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Template and asset caching by mode, on gateways whose templates and webroot are copies in a
 * temporary folder that the tests edit (web.templates_dir, web.webroot).
 */
class HomepageCachingTest {

  private static final Path PROJECT = Path.of(System.getProperty("tokengate.project.dir", "."));

  /** A gateway in {@code mode} serving copies of the shipped templates and assets from {@code dir}. */
  static TestGateway start(String mode, Path dir) throws IOException {
    copy(PROJECT.resolve("src/main/resources/templates"), dir.resolve("templates"));
    copy(PROJECT.resolve("webroot"), dir.resolve("webroot"));
    return TestGateway.start(new JsonObject()
        .put("mode", mode)
        .put("http", new JsonObject().put("host", "127.0.0.1"))
        .put("web", new JsonObject()
            .put("templates_dir", dir.resolve("templates").toString())
            .put("webroot", dir.resolve("webroot").toString())
            .put("asset_max_age", "PT10M")));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardOpenOption.APPEND);
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @DisplayName("outside dev mode")
  class Prod {

    Path dir;
    TestGateway gateway;
    PageClient http;

    @BeforeAll
    void start() throws IOException {
      dir = Files.createTempDirectory("tokengate-web-prod-");
      gateway = HomepageCachingTest.start("prod", dir);
      http = new PageClient(gateway.port());
    }

    @AfterAll
    void stop() throws IOException {
      if (gateway != null) {
        gateway.close();
      }
      delete(dir);
    }

    @Test
    @DisplayName("assets may be cached for web.asset_max_age and revalidated by ETag")
    void assetCaching() {
      HttpResponse<byte[]> response = http.get("/css/app.css", "Accept-Encoding", "gzip");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(header(response, "Cache-Control")).isEqualTo("public, max-age=600");
      assertThat(header(response, "Content-Encoding")).isEqualTo("gzip");
      String etag = header(response, "ETag");
      assertThat(etag).startsWith("W/\"");
      assertThat(http.get("/css/app.css", "If-None-Match", etag).statusCode()).isEqualTo(304);
      HomepageHttpTest.assertSecurityHeaders(response);
    }

    @Test
    @DisplayName("an edited asset gets a new ETag, so a revalidating browser fetches the new file")
    void editedAsset() throws IOException {
      String before = header(http.get("/img/logo.svg"), "ETag");
      append(dir.resolve("webroot/img/logo.svg"), "<!-- edited -->\n");

      HttpResponse<byte[]> response = http.get("/img/logo.svg", "If-None-Match", before);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(header(response, "ETag")).isNotEqualTo(before);
      assertThat(text(response)).endsWith("<!-- edited -->\n");
    }

    @Test
    @DisplayName("a template is compiled once: an edit does not show until restart")
    void templateCached() throws IOException {
      assertThat(text(http.get("/", "Accept", BROWSER_ACCEPT))).contains("data-mode=\"prod\"").contains("data-demo-user=\"\"");
      append(dir.resolve("templates/index.hbs"), "<!-- edited in prod -->");

      HttpResponse<byte[]> response = http.get("/", "Accept", BROWSER_ACCEPT);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(text(response)).doesNotContain("edited in prod");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @DisplayName("in dev mode")
  class Dev {

    Path dir;
    TestGateway gateway;
    PageClient http;

    @BeforeAll
    void start() throws IOException {
      dir = Files.createTempDirectory("tokengate-web-dev-");
      gateway = HomepageCachingTest.start("dev", dir);
      http = new PageClient(gateway.port());
    }

    @AfterAll
    void stop() throws IOException {
      if (gateway != null) {
        gateway.close();
      }
      delete(dir);
    }

    @Test
    @DisplayName("an edited template shows on the next request")
    void templateReloads() throws IOException {
      assertThat(text(http.get("/", "Accept", BROWSER_ACCEPT))).doesNotContain("edited in dev");
      append(dir.resolve("templates/index.hbs"), "<!-- edited in dev -->");

      assertThat(text(http.get("/", "Accept", BROWSER_ACCEPT))).contains("<!-- edited in dev -->");
    }

    @Test
    @DisplayName("an edited asset shows on the next request, and browsers must revalidate (no-cache)")
    void assetReloads() throws IOException {
      HttpResponse<byte[]> before = http.get("/js/app.js");
      assertThat(header(before, "Cache-Control")).isEqualTo("no-cache");
      append(dir.resolve("webroot/js/app.js"), "// edited in dev\n");

      HttpResponse<byte[]> after = http.get("/js/app.js", "If-None-Match", header(before, "ETag"));

      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(text(after)).endsWith("// edited in dev\n");
    }

    @Test
    @DisplayName("a page that fails to render gives a browser the HTML 500 page and an API client JSON")
    void serverErrorPage() throws IOException {
      Path index = dir.resolve("templates/index.hbs");
      Path aside = dir.resolve("index.hbs.aside");
      Files.move(index, aside);
      try {
        HttpResponse<byte[]> page = http.get("/", "Accept", BROWSER_ACCEPT);
        assertThat(page.statusCode()).isEqualTo(500);
        assertThat(header(page, "Content-Type")).isEqualTo("text/html; charset=utf-8");
        HomepageHttpTest.assertSecurityHeaders(page);
        assertThat(text(page)).contains("<title>500 Something went wrong &middot; tokengate</title>")
            .doesNotContain("Exception").doesNotContain(index.toString());

        HttpResponse<byte[]> json = http.get("/", "Accept", "application/json");
        assertThat(json.statusCode()).isEqualTo(500);
        assertThat(new JsonObject(text(json))).isEqualTo(new JsonObject().put("detail", "A server error occurred."));
      } finally {
        Files.move(aside, index);
      }
    }
  }
}
