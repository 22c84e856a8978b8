package io.tokengate.web;

import io.tokengate.auth.RefreshCookies;
import io.tokengate.auth.CsrfCheck;
import io.tokengate.config.ConfigException;
import io.tokengate.config.ConfigLoader;
import io.tokengate.config.GatewayConfig;
import io.tokengate.http.ApiException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cookie mode's building blocks without a server: cookie headers, stripping, CSRF tokens, the setting. */
class RefreshCookiesTest {

  private static final String REFRESH = "__Host-tokengate_refresh";
  private static final String CSRF = "__Host-tokengate_csrf";

  @Test
  @DisplayName("the cookies carry exactly the __Host- attributes: refresh HttpOnly, csrf readable, both Secure, Strict, Path=/")
  void attributes() {
    assertThat(RefreshCookies.refreshCookie("a.b.c", 86400))
        .isEqualTo(REFRESH + "=a.b.c; Max-Age=86400; Path=/; Secure; HttpOnly; SameSite=Strict");
    assertThat(RefreshCookies.csrfCookie("00ff", 60))
        .isEqualTo(CSRF + "=00ff; Max-Age=60; Path=/; Secure; SameSite=Strict");
  }

  @Test
  @DisplayName("stripFrom removes both tokengate cookies and keeps every other cookie in order")
  void strip() {
    assertThat(RefreshCookies.stripFrom("a=1; " + REFRESH + "=x.y.z; b=2; " + CSRF + "=abc; c=3")).isEqualTo("a=1; b=2; c=3");
    assertThat(RefreshCookies.stripFrom(REFRESH + "=x;" + CSRF + "=y")).as("nothing left").isEmpty();
    assertThat(RefreshCookies.stripFrom("a=1;" + REFRESH + "=x")).as("no space after ;").isEqualTo("a=1");
    assertThat(RefreshCookies.stripFrom(" " + REFRESH + " = x ; a=1")).as("spaces around the name").isEqualTo("a=1");
    assertThat(RefreshCookies.stripFrom("__host-TOKENGATE_refresh=x; a=1")).as("case variants are not forwarded either").isEqualTo("a=1");
    assertThat(RefreshCookies.stripFrom("session=abc; theme=dark")).isEqualTo("session=abc; theme=dark");
    assertThat(RefreshCookies.stripFrom("")).isEmpty();
    assertThat(RefreshCookies.stripFrom(null)).isNull();
  }

  @Test
  @DisplayName("stripFrom keeps cookies that only look like ours")
  void stripKeepsLookalikes() {
    String header = REFRESH + "2=a; x" + CSRF + "=b; other=" + REFRESH + "; flag";
    assertThat(RefreshCookies.stripFrom(header)).isEqualTo(header);
  }

  @Test
  @DisplayName("a cookie's value is read by exact name; empty counts as absent")
  void value() {
    assertThat(RefreshCookies.value("a=1; " + REFRESH + "=t.o.k; " + CSRF + "=c", REFRESH)).isEqualTo("t.o.k");
    assertThat(RefreshCookies.value("a=1; " + REFRESH + "=t.o.k; " + CSRF + "=c", CSRF)).isEqualTo("c");
    assertThat(RefreshCookies.value(REFRESH + "=; a=1", REFRESH)).isNull();
    assertThat(RefreshCookies.value(REFRESH + "2=x", REFRESH)).isNull();
    assertThat(RefreshCookies.value(CSRF + "=\"abc\"", CSRF)).as("DQUOTE-wrapped value").isEqualTo("abc");
    assertThat(RefreshCookies.value(null, REFRESH)).isNull();
  }

  @Test
  @DisplayName("a CSRF token is 32 random bytes in lowercase hex, new every time")
  void csrfTokens() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String token = CsrfCheck.newToken();
      assertThat(token).matches("[0-9a-f]{64}");
      seen.add(token);
    }
    assertThat(seen).hasSize(100);
  }

  @Test
  @DisplayName("the CSRF check passes on equal values only and otherwise answers 403 csrf_failed")
  void csrfCheck() {
    String token = CsrfCheck.newToken();
    CsrfCheck.require(token, new String(token.toCharArray()));
    JsonObject failed = new JsonObject().put("detail", "CSRF Failed: CSRF token missing or incorrect.").put("code", "csrf_failed");
    String[][] bad = {{null, token}, {token, null}, {"", ""}, {null, null}, {token, token.substring(1)},
        {token.toUpperCase(), token}, {CsrfCheck.newToken(), token}};
    for (String[] pair : bad) {
      assertThatThrownBy(() -> CsrfCheck.require(pair[0], pair[1]))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.body()).isEqualTo(failed);
          });
    }
  }

  @Test
  @DisplayName("web.refresh_cookie is off by default, set by the file or TOKENGATE_WEB_REFRESH_COOKIE, and reaches the page")
  void setting() {
    Vertx vertx = Vertx.vertx();
    try {
      GatewayConfig defaults = new ConfigLoader(vertx).load(null, Map.of()).await();
      assertThat(defaults.web().refreshCookie()).isFalse();
      assertThat(HomepageRoutes.indexContext(defaults).getString("cookieMode")).isEqualTo("false");
      GatewayConfig fromEnv = new ConfigLoader(vertx).load(null, Map.of("TOKENGATE_WEB_REFRESH_COOKIE", "true")).await();
      assertThat(fromEnv.web().refreshCookie()).isTrue();
      assertThat(HomepageRoutes.indexContext(fromEnv).getString("cookieMode")).isEqualTo("true");
    } finally {
      vertx.close().await();
    }
    assertThat(GatewayConfig.fromJson(new JsonObject().put("web", new JsonObject().put("refresh_cookie", true)))
        .web().refreshCookie()).isTrue();
    assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("web", new JsonObject().put("refresh_cookie", "maybe"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("web.refresh_cookie: ");
  }
}
