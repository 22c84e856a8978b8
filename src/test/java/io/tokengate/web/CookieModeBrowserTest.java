package io.tokengate.web;

import io.tokengate.support.Closing;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The homepage in cookie mode in a real browser (Debian's headless Chromium) against a real
 * gateway and PostgreSQL, with 4-second access tokens: the page never holds the refresh token,
 * yet refreshes automatically and logs out through the HttpOnly cookie and the CSRF header.
 * Chromium stores {@code Secure} ({@code __Host-}) cookies for {@code http://127.0.0.1}, a
 * potentially trustworthy origin.
 */
class CookieModeBrowserTest extends BrowserTest {

  @Override
  protected int gatewayPort() {
    return gateway.port();
  }

  private static final String REFRESH_COOKIE = "__Host-tokengate_refresh";
  private static final String CSRF_COOKIE = "__Host-tokengate_csrf";

  private static TestGateway gateway;
  private static HttpTestClient http;

  @BeforeAll
  static void startServers() {
    gateway = TestGateway.start(new JsonObject()
        .put("jwt", new JsonObject().put("access_token_lifetime", "PT4S"))
        .put("web", new JsonObject().put("refresh_cookie", true)));
    http = new HttpTestClient(gateway.port());
  }

  @AfterAll
  static void stopServers() {
    Closing.all(http, gateway);
  }

  @Test
  @DisplayName("cookie mode: the page shows the access token only, refreshes through the HttpOnly cookie and logs out")
  void journey() {
    driver.get(url("/"));
    WebElement loginButton = driver.findElement(By.id("login-button"));
    wait.until(ExpectedConditions.elementToBeClickable(loginButton));
    assertThat(driver.findElement(By.tagName("body")).getDomAttribute("data-cookie-mode")).isEqualTo("true");
    assertThat(text("login")).contains("the refresh token goes into an HttpOnly cookie");

    type("password", "demo-password");
    loginButton.click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("session")));

    // the page: the access token decoded, the refresh card says where the refresh token is
    String firstAccess = text("access-token-raw");
    assertThat(Jwts.payload(firstAccess).getString("token_type")).isEqualTo("access");
    assertThat(new JsonObject(text("access-payload")).getString("token_type")).isEqualTo("access");
    assertThat(text("refresh-cookie-note")).startsWith("Kept in an HttpOnly cookie that this page cannot read.");
    assertThat(driver.findElements(By.id("refresh-token-raw"))).isEmpty();

    // the browser: an HttpOnly, Secure, Strict refresh cookie the script cannot see
    Cookie refreshCookie = cookie(REFRESH_COOKIE);
    Cookie csrfCookie = cookie(CSRF_COOKIE);
    assertThat(refreshCookie).as("Chromium stored the Secure __Host- cookie for http://127.0.0.1").isNotNull();
    assertThat(csrfCookie).isNotNull();
    assertThat(refreshCookie.isHttpOnly()).isTrue();
    assertThat(refreshCookie.isSecure()).isTrue();
    assertThat(refreshCookie.getSameSite()).isEqualTo("Strict");
    assertThat(refreshCookie.getPath()).isEqualTo("/");
    assertThat(csrfCookie.isHttpOnly()).isFalse();
    String firstRefresh = refreshCookie.getValue();
    String csrf = csrfCookie.getValue();
    assertThat(Jwts.payload(firstRefresh).getString("token_type")).isEqualTo("refresh");
    String documentCookie = (String) js("return document.cookie;");
    assertThat(documentCookie).isEqualTo(CSRF_COOKIE + "=" + csrf)
        .doesNotContain(REFRESH_COOKIE).doesNotContain(firstRefresh);
    assertThat((String) js("return document.documentElement.outerHTML;")).doesNotContain(firstRefresh);
    assertThat(js("return localStorage.length + sessionStorage.length;")).isEqualTo(0L);

    // the automatic refresh: a new access token on the page, a rotated refresh cookie in the browser
    wait.until(d -> text("refresh-count").equals("Refreshed 1 time"));
    assertThat(text("access-token-raw")).isNotEqualTo(firstAccess);
    assertThat(text("refresh-status")).startsWith("Access token refreshed at ");
    assertThat(cookie(REFRESH_COOKIE).getValue()).as("rotated").isNotEqualTo(firstRefresh);
    assertThat(cookie(CSRF_COOKIE).getValue()).as("the CSRF token stays").isEqualTo(csrf);
    HttpResponse<Buffer> reuse = http.postJson("/api/token/verify/", new JsonObject().put("token", firstRefresh));
    assertThat(reuse.statusCode()).as("the first refresh token was blacklisted by the rotation").isEqualTo(400);

    // logout: read the cookie right after a refresh, then click in a script turn that checks no
    // refresh started since, so the cookie read is the one logout revokes
    String lastRefresh = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (lastRefresh == null) {
      assertThat(System.nanoTime()).as("found a moment between two refreshes to log out").isLessThan(deadline);
      String count = wait.until(d -> {
        String shown = text("refresh-count");
        return text("next-refresh").isEmpty() ? null : shown;
      });
      String candidate = cookie(REFRESH_COOKIE).getValue();
      Object clicked = js("if (document.getElementById('refresh-count').textContent !== arguments[0]"
          + " || !document.getElementById('next-refresh').textContent) return false;"
          + "document.getElementById('logout').click(); return true;", count);
      if (Boolean.TRUE.equals(clicked)) {
        lastRefresh = candidate;
      }
    }
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
    assertThat(text("login-info")).isEqualTo("You have been logged out.");
    assertThat(text("access-token-raw")).isEmpty();
    wait.until(d -> cookie(REFRESH_COOKIE) == null && cookie(CSRF_COOKIE) == null);
    assertThat(js("return document.cookie;")).isEqualTo("");

    // the cookie the browser held is blacklisted
    HttpResponse<Buffer> refresh = http.client().post("/api/token/refresh/")
        .putHeader("Cookie", REFRESH_COOKIE + "=" + lastRefresh + "; " + CSRF_COOKIE + "=" + csrf)
        .putHeader("X-CSRF-Token", csrf)
        .sendJsonObject(new JsonObject()).await();
    assertThat(refresh.statusCode()).as(refresh.bodyAsString()).isEqualTo(401);
    assertThat(refresh.bodyAsJsonObject().getString("detail")).isEqualTo("Token is blacklisted");
    assertThat(noCspViolations()).isEmpty();
  }

  @Test
  @DisplayName("cookie mode: a refresh from the page without the CSRF header is refused with 403")
  void csrfRequired() {
    driver.get(url("/"));
    WebElement loginButton = driver.findElement(By.id("login-button"));
    wait.until(ExpectedConditions.elementToBeClickable(loginButton));
    type("password", "demo-password");
    loginButton.click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("session")));
    String before = cookie(REFRESH_COOKIE).getValue();

    Object status = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "fetch('/api/token/refresh/', {method: 'POST', credentials: 'same-origin',"
        + " headers: {'Content-Type': 'application/json'}, body: '{}'})"
        + ".then(r => r.json().then(b => done(r.status + ' ' + b.code)), e => done(String(e)));");

    assertThat(status).isEqualTo("403 csrf_failed");
    assertThat(cookie(REFRESH_COOKIE).getValue()).isEqualTo(before);
    HttpResponse<Buffer> verify = http.postJson("/api/token/verify/", new JsonObject().put("token", before));
    assertThat(verify.statusCode()).as("still valid: %s", verify.bodyAsString()).isEqualTo(200);
  }

  private Cookie cookie(String name) {
    return driver.manage().getCookieNamed(name);
  }
}
