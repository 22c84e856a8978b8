package io.tokengate.web;

import io.tokengate.support.Closing;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The homepage in a real browser (Debian's headless Chromium) against a real gateway, PostgreSQL
 * and a test upstream, with 4-second access tokens so that the automatic refresh happens during
 * the test.
 */
class HomepageBrowserTest extends BrowserTest {

  @Override
  protected int gatewayPort() {
    return gateway.port();
  }

  private static final String DEMO_PATH = "/api/echo/";
  private static final String UPSTREAM_MARKER = "hello from the test upstream";
  private static final Path SCREENSHOT = Path.of(System.getProperty("tokengate.project.dir", "."),
      "target", "screenshots", "homepage.png");

  private static Vertx upstreamVertx;
  private static HttpServer upstream;
  private static final AtomicInteger upstreamCalls = new AtomicInteger();
  private static TestGateway gateway;
  private static HttpTestClient http;

  @BeforeAll
  static void startServers() {
    upstreamVertx = Vertx.vertx();
    upstream = upstreamVertx.createHttpServer()
        .requestHandler(request -> {
          upstreamCalls.incrementAndGet();
          request.response().putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("message", UPSTREAM_MARKER).put("path", request.path()).encode());
        })
        .listen(0, "127.0.0.1").await();
    gateway = TestGateway.start(new JsonObject()
        .put("jwt", new JsonObject().put("access_token_lifetime", "PT4S"))
        .put("routes", new JsonArray().add(new JsonObject().put("name", "echo").put("path", DEMO_PATH)
            .put("upstream", "http://127.0.0.1:" + upstream.actualPort())))
        .put("web", new JsonObject().put("demo_path", DEMO_PATH)));
    http = new HttpTestClient(gateway.port());
  }

  @AfterAll
  static void stopServers() {
    Closing.all(http, gateway);
    if (upstreamVertx != null) {
      upstreamVertx.close().await();
    }
  }

  @Test
  @DisplayName("a visitor logs in, sees both tokens decoded, calls the API, is refreshed automatically and logs out")
  void journey() throws Exception {
    driver.get(url("/"));
    assertThat(driver.getTitle()).isEqualTo("tokengate");
    WebElement loginButton = driver.findElement(By.id("login-button"));
    wait.until(ExpectedConditions.elementToBeClickable(loginButton));
    assertThat(driver.findElement(By.id("username")).getDomProperty("value")).as("dev mode pre-fills the demo user").isEqualTo("demo");

    // wrong password: the error in words, no session
    type("password", "not-the-password");
    loginButton.click();
    wait.until(ExpectedConditions.textToBe(By.id("login-error"), "Wrong username or password."));
    assertThat(driver.findElement(By.id("session")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("password")).getDomAttribute("aria-invalid")).isNull();

    // right password: the session with both tokens decoded
    type("password", "demo-password");
    loginButton.click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("session")));
    assertThat(driver.findElement(By.id("login")).isDisplayed()).isFalse();
    assertThat(text("login-error")).isEmpty();
    assertThat(text("user-id")).isEqualTo(String.valueOf(demoUserId()));

    JsonObject accessHeader = new JsonObject(text("access-header"));
    JsonObject accessPayload = new JsonObject(text("access-payload"));
    JsonObject refreshPayload = new JsonObject(text("refresh-payload"));
    assertThat(accessHeader.getString("alg")).isEqualTo("HS256");
    assertThat(accessHeader.getString("typ")).isEqualTo("JWT");
    assertThat(accessHeader.getString("kid")).as("every token names its key").isNotBlank();
    assertThat(new JsonObject(text("refresh-header"))).isEqualTo(accessHeader);
    assertThat(text("access-payload")).as("pretty-printed").contains("\n  \"token_type\": \"access\"");
    assertThat(text("refresh-payload")).contains("\n  \"token_type\": \"refresh\"");
    assertThat(accessPayload.getLong("user_id")).isEqualTo(demoUserId());
    assertThat(refreshPayload.getLong("user_id")).isEqualTo(demoUserId());
    assertThat(accessPayload.getLong("exp") - accessPayload.getLong("iat")).isEqualTo(4);
    assertThat(text("access-countdown")).matches("expires in 0:0[0-4]|expired");
    assertThat(((JavascriptExecutor) driver).executeScript(
        "return localStorage.length + sessionStorage.length + document.cookie.length;"))
        .as("tokens live in memory only").isEqualTo(0L);
    assertThat(driver.manage().getCookies()).isEmpty();
    String firstAccess = raw("access");
    String firstRefresh = raw("refresh");
    assertThat(firstAccess.split("\\.")).hasSize(3);

    // the automatic refresh before expiry: new tokens (rotation), counter up
    wait.until(d -> text("refresh-count").equals("Refreshed 1 time"));
    String secondAccess = raw("access");
    String secondRefresh = raw("refresh");
    assertThat(secondAccess).isNotEqualTo(firstAccess);
    assertThat(secondRefresh).as("rotated").isNotEqualTo(firstRefresh);
    assertThat(new JsonObject(text("access-payload")).getString("jti")).isNotEqualTo(accessPayload.getString("jti"));
    assertThat(text("refresh-status")).startsWith("Access token refreshed at ");
    assertThat(http.postJson("/api/token/verify/", new JsonObject().put("token", secondRefresh)).statusCode())
        .as("the rotated refresh token the page holds is valid").isEqualTo(200);

    // the protected route: the page shows the status and the JSON the gateway answers
    driver.findElement(By.id("call-api")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-result")));
    wait.until(d -> text("api-status").contains("\u2192"));
    Matcher status = Pattern.compile("^GET " + Pattern.quote(DEMO_PATH) + " \u2192 (\\d{3})\\b").matcher(text("api-status"));
    assertThat(status.find()).as("status line: %s", text("api-status")).isTrue();
    JsonObject shownBody = new JsonObject(text("api-body"));
    HttpResponse<Buffer> direct = http.get(DEMO_PATH, http.login("demo", "demo-password").getString("access"));
    assertThat(Integer.parseInt(status.group(1))).as("the same status as a direct call with a valid token")
        .isEqualTo(direct.statusCode());
    assertThat(direct.statusCode()).isEqualTo(200);
    assertThat(shownBody.getString("message")).isEqualTo(UPSTREAM_MARKER);
    assertThat(upstreamCalls.get()).isGreaterThanOrEqualTo(2);
    saveScreenshot();

    // the next refresh presents the rotated token: the chain goes on
    wait.until(d -> text("refresh-count").equals("Refreshed 2 times"));

    // logout: read the current refresh token and click in one script turn, so no refresh slips in between
    String lastRefresh = (String) wait.until(d -> ((JavascriptExecutor) d).executeScript(
        "if (!document.getElementById('next-refresh').textContent) return null;"
            + "const token = document.getElementById('refresh-token-raw').textContent;"
            + "document.getElementById('logout').click(); return token;"));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
    assertThat(driver.findElement(By.id("session")).isDisplayed()).isFalse();
    assertThat(text("login-info")).isEqualTo("You have been logged out.");
    for (String id : List.of("access-token-raw", "refresh-token-raw", "access-payload", "refresh-payload", "user-id")) {
      assertThat(driver.findElement(By.id(id)).getDomProperty("textContent")).as(id).isEmpty();
    }
    HttpResponse<Buffer> refresh = http.postJson("/api/token/refresh/", new JsonObject().put("refresh", lastRefresh));
    assertThat(refresh.statusCode()).isEqualTo(401);
    assertThat(refresh.bodyAsJsonObject().getString("detail")).isEqualTo("Token is blacklisted");
    assertThat(noCspViolations()).isEmpty();
  }

  @Test
  @DisplayName("the page loads its script, style and images under the strict CSP without a console error")
  void strictCsp() {
    driver.get(url("/"));
    WebElement loginButton = driver.findElement(By.id("login-button"));
    wait.until(ExpectedConditions.elementToBeClickable(loginButton));
    assertThat(driver.findElement(By.tagName("body")).getCssValue("font-family")).as("app.css applied").contains("system-ui");
    Object logoWidth = ((JavascriptExecutor) driver).executeScript(
        "const img = document.querySelector('.brand__logo'); return img.complete ? img.naturalWidth : -1;");
    assertThat(((Number) logoWidth).intValue()).as("logo loaded").isPositive();
    assertThat(noCspViolations()).isEmpty();
  }

  @Test
  @DisplayName("when the server cannot be reached, the login form says so in words")
  void unreachable() {
    driver.get(url("/"));
    WebElement loginButton = driver.findElement(By.id("login-button"));
    wait.until(ExpectedConditions.elementToBeClickable(loginButton));
    driver.executeCdpCommand("Network.enable", Map.of());
    driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of(
        "offline", true, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));

    type("password", "demo-password");
    loginButton.click();

    wait.until(ExpectedConditions.textToBe(By.id("login-error"), "The server cannot be reached."));
    assertThat(driver.findElement(By.id("session")).isDisplayed()).isFalse();
  }

  private String raw(String kind) {
    return text(kind + "-token-raw");
  }

  private void saveScreenshot() throws IOException {
    // grow the window until the whole page fits in the viewport
    JavascriptExecutor js = driver;
    for (int attempt = 0; attempt < 3; attempt++) {
      long missing = ((Number) js.executeScript(
          "return document.documentElement.scrollHeight - window.innerHeight;")).longValue();
      if (missing <= 0) {
        break;
      }
      Dimension size = driver.manage().window().getSize();
      driver.manage().window().setSize(new Dimension(size.getWidth(), size.getHeight() + (int) missing));
    }
    Files.createDirectories(SCREENSHOT.getParent());
    Files.write(SCREENSHOT, driver.getScreenshotAs(OutputType.BYTES));
  }

  private long demoUserId() throws SQLException {
    try (Connection connection = gateway.database().connect(); Statement statement = connection.createStatement();
         ResultSet row = statement.executeQuery("SELECT id FROM auth_user WHERE username = 'demo'")) {
      assertThat(row.next()).isTrue();
      return row.getLong(1);
    }
  }
}
