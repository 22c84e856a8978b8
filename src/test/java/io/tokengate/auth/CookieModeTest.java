package io.tokengate.auth;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cookie mode ({@code web.refresh_cookie: true}) over real HTTP against real PostgreSQL: the
 * refresh token in an HttpOnly {@code __Host-} cookie, the double-submit CSRF check, and Simple
 * JWT's body field still working next to it. A second gateway with the default (off) shows that
 * nothing changes there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CookieModeTest {

  private static final String OBTAIN = "/api/token/";
  private static final String REFRESH = "/api/token/refresh/";
  private static final String VERIFY = "/api/token/verify/";
  private static final String BLACKLIST = "/api/token/blacklist/";
  private static final String REFRESH_COOKIE = "__Host-tokengate_refresh";
  private static final String CSRF_COOKIE = "__Host-tokengate_csrf";
  private static final long REFRESH_LIFETIME = 7200;
  private static final Pattern REFRESH_SET_COOKIE = Pattern.compile(
      "^__Host-tokengate_refresh=([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+); Max-Age=" + REFRESH_LIFETIME
          + "; Path=/; Secure; HttpOnly; SameSite=Strict$");
  private static final Pattern CSRF_SET_COOKIE = Pattern.compile(
      "^__Host-tokengate_csrf=([0-9a-f]{64}); Max-Age=" + REFRESH_LIFETIME + "; Path=/; Secure; SameSite=Strict$");
  private static final JsonObject CSRF_FAILED = new JsonObject()
      .put("detail", "CSRF Failed: CSRF token missing or incorrect.").put("code", "csrf_failed");
  private static final JsonObject BLACKLISTED = new JsonObject()
      .put("detail", "Token is blacklisted").put("code", "token_not_valid");
  private static final JsonObject REFRESH_REQUIRED = new JsonObject()
      .put("refresh", new JsonArray().add("This field is required."));

  private TestGateway gateway;
  private HttpTestClient http;
  private TestGateway plainGateway;
  private HttpTestClient plainHttp;

  /** What a login in cookie mode left in the browser: both cookie values. */
  private record Session(String access, String refresh, String csrf) {
    String cookieHeader() {
      return REFRESH_COOKIE + "=" + refresh + "; " + CSRF_COOKIE + "=" + csrf;
    }
  }

  @BeforeAll
  void start() {
    JsonObject jwt = new JsonObject().put("refresh_token_lifetime", "PT2H");
    gateway = TestGateway.start(new JsonObject().put("jwt", jwt).put("web", new JsonObject().put("refresh_cookie", true)));
    http = new HttpTestClient(gateway.port());
    new Users(gateway.database()).create("alice", "wonderland", true);
    plainGateway = TestGateway.start(new JsonObject().put("jwt", jwt));
    plainHttp = new HttpTestClient(plainGateway.port());
    new Users(plainGateway.database()).create("alice", "wonderland", true);
  }

  @AfterAll
  void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {http, gateway, plainHttp, plainGateway}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception ignored) {
        // the next one still closes
      }
    }
  }

  private Session login() {
    HttpResponse<Buffer> response = http.postJson(OBTAIN, new JsonObject().put("username", "alice").put("password", "wonderland"));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    List<String> setCookies = response.headers().getAll("Set-Cookie");
    assertThat(setCookies).hasSize(2);
    Matcher refresh = REFRESH_SET_COOKIE.matcher(setCookies.get(0));
    Matcher csrf = CSRF_SET_COOKIE.matcher(setCookies.get(1));
    assertThat(refresh.matches()).as(setCookies.get(0)).isTrue();
    assertThat(csrf.matches()).as(setCookies.get(1)).isTrue();
    return new Session(response.bodyAsJsonObject().getString("access"), refresh.group(1), csrf.group(1));
  }

  /** POST with a JSON body, an optional Cookie header and an optional X-CSRF-Token header. */
  private HttpResponse<Buffer> post(HttpTestClient client, String path, JsonObject body, String cookies, String csrfHeader) {
    HttpRequest<Buffer> request = client.client().post(path);
    if (cookies != null) {
      request.putHeader("Cookie", cookies);
    }
    if (csrfHeader != null) {
      request.putHeader("X-CSRF-Token", csrfHeader);
    }
    return request.sendJsonObject(body).await();
  }

  private HttpResponse<Buffer> post(String path, JsonObject body, String cookies, String csrfHeader) {
    return post(http, path, body, cookies, csrfHeader);
  }

  private HttpResponse<Buffer> postBody(String path, String refresh) {
    return http.postJson(path, new JsonObject().put("refresh", refresh));
  }

  private static void assertStatus(HttpResponse<Buffer> response, int status, JsonObject body) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    assertThat(response.bodyAsJsonObject()).isEqualTo(body);
  }

  @Test
  @DisplayName("login sets the HttpOnly refresh cookie and the readable CSRF cookie, and answers {access, csrf} without refresh")
  void loginSetsCookies() {
    HttpResponse<Buffer> response = http.postJson(OBTAIN, new JsonObject().put("username", "alice").put("password", "wonderland"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("access", "csrf");
    List<String> setCookies = response.headers().getAll("Set-Cookie");
    assertThat(setCookies).hasSize(2);
    Matcher refresh = REFRESH_SET_COOKIE.matcher(setCookies.get(0));
    Matcher csrf = CSRF_SET_COOKIE.matcher(setCookies.get(1));
    assertThat(refresh.matches()).as(setCookies.get(0)).isTrue();
    assertThat(csrf.matches()).as(setCookies.get(1)).isTrue();
    assertThat(body.getString("csrf")).isEqualTo(csrf.group(1));

    String refreshToken = refresh.group(1);
    JsonObject refreshClaims = Jwts.payload(refreshToken);
    JsonObject accessClaims = Jwts.payload(body.getString("access"));
    assertThat(refreshClaims.getString("token_type")).isEqualTo("refresh");
    assertThat(refreshClaims.getLong("exp") - refreshClaims.getLong("iat")).as("cookie Max-Age = refresh lifetime").isEqualTo(REFRESH_LIFETIME);
    assertThat(accessClaims.getString("token_type")).isEqualTo("access");
    assertThat(accessClaims.getValue("user_id")).isEqualTo(refreshClaims.getValue("user_id"));
    assertThat(http.postJson(VERIFY, new JsonObject().put("token", refreshToken)).statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).doesNotContain(refreshToken);

    assertThat(login().csrf()).as("every login gets its own CSRF token").isNotEqualTo(body.getString("csrf"));
  }

  @Test
  @DisplayName("refresh with the cookie and the right X-CSRF-Token answers {access} and rotates the cookie; the old token is blacklisted")
  void refreshWithCookie() {
    Session session = login();

    HttpResponse<Buffer> response = post(REFRESH, new JsonObject(), session.cookieHeader(), session.csrf());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().fieldNames()).containsExactly("access");
    String access = response.bodyAsJsonObject().getString("access");
    assertThat(Jwts.payload(access).getString("token_type")).isEqualTo("access");
    assertThat(access).isNotEqualTo(session.access());
    List<String> setCookies = response.headers().getAll("Set-Cookie");
    assertThat(setCookies).as("only the refresh cookie is replaced; the CSRF token stays").hasSize(1);
    Matcher rotated = REFRESH_SET_COOKIE.matcher(setCookies.get(0));
    assertThat(rotated.matches()).as(setCookies.get(0)).isTrue();
    assertThat(rotated.group(1)).isNotEqualTo(session.refresh());

    Session next = new Session(access, rotated.group(1), session.csrf());
    HttpResponse<Buffer> again = post(REFRESH, new JsonObject(), next.cookieHeader(), next.csrf());
    assertThat(again.statusCode()).as("the rotated cookie works: %s", again.bodyAsString()).isEqualTo(200);
    assertThat(again.headers().getAll("Set-Cookie")).hasSize(1);

    HttpResponse<Buffer> old = postBody(REFRESH, session.refresh());
    assertStatus(old, 401, BLACKLISTED);
    assertThat(old.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"api\"");
  }

  @Test
  @DisplayName("refresh with a missing or wrong X-CSRF-Token is 403 csrf_failed and changes nothing")
  void refreshWithoutCsrf() {
    Session session = login();
    Session other = login();
    String[][] attempts = {
        {session.cookieHeader(), null},
        {session.cookieHeader(), ""},
        {session.cookieHeader(), other.csrf()},
        {session.cookieHeader(), session.csrf().toUpperCase()},
        {session.cookieHeader(), session.refresh()},
        {REFRESH_COOKIE + "=" + session.refresh(), session.csrf()},
        {REFRESH_COOKIE + "=" + session.refresh() + "; " + CSRF_COOKIE + "=" + other.csrf(), session.csrf()},
    };
    for (String[] attempt : attempts) {
      for (String path : List.of(REFRESH, BLACKLIST)) {
        HttpResponse<Buffer> response = post(path, new JsonObject(), attempt[0], attempt[1]);
        assertStatus(response, 403, CSRF_FAILED);
        assertThat(response.headers().getAll("Set-Cookie")).as("%s cookie=%s header=%s", path, attempt[0], attempt[1]).isEmpty();
      }
    }

    HttpResponse<Buffer> response = post(REFRESH, new JsonObject(), session.cookieHeader(), session.csrf());
    assertThat(response.statusCode()).as("the refresh token was neither rotated nor blacklisted: %s", response.bodyAsString())
        .isEqualTo(200);
  }

  @Test
  @DisplayName("blacklist with the cookie and the right X-CSRF-Token answers {} and clears both cookies; the token is blacklisted")
  void blacklistWithCookie() {
    Session session = login();

    HttpResponse<Buffer> response = post(BLACKLIST, new JsonObject(), session.cookieHeader(), session.csrf());

    assertStatus(response, 200, new JsonObject());
    assertThat(response.headers().getAll("Set-Cookie")).containsExactly(
        "__Host-tokengate_refresh=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict",
        "__Host-tokengate_csrf=; Max-Age=0; Path=/; Secure; SameSite=Strict");
    assertStatus(postBody(REFRESH, session.refresh()), 401, BLACKLISTED);
    assertStatus(post(REFRESH, new JsonObject(), session.cookieHeader(), session.csrf()), 401, BLACKLISTED);
    assertStatus(post(BLACKLIST, new JsonObject(), session.cookieHeader(), session.csrf()), 401, BLACKLISTED);
  }

  @Test
  @DisplayName("in cookie mode a refresh field in the body works exactly as in Simple JWT, cookies or not")
  void bodyStillWorks() {
    Session session = login();

    HttpResponse<Buffer> refreshed = postBody(REFRESH, session.refresh());
    assertThat(refreshed.statusCode()).as(refreshed.bodyAsString()).isEqualTo(200);
    assertThat(refreshed.bodyAsJsonObject().fieldNames()).containsExactlyInAnyOrder("access", "refresh");
    assertThat(refreshed.headers().getAll("Set-Cookie")).isEmpty();

    // the body wins over the cookies, with no CSRF check (the CSRF header here is wrong)
    String rotated = refreshed.bodyAsJsonObject().getString("refresh");
    HttpResponse<Buffer> withCookies = post(REFRESH, new JsonObject().put("refresh", rotated), session.cookieHeader(), "wrong");
    assertThat(withCookies.statusCode()).as(withCookies.bodyAsString()).isEqualTo(200);
    assertThat(withCookies.bodyAsJsonObject().fieldNames()).containsExactlyInAnyOrder("access", "refresh");
    assertThat(withCookies.headers().getAll("Set-Cookie")).isEmpty();

    String latest = withCookies.bodyAsJsonObject().getString("refresh");
    HttpResponse<Buffer> blacklisted = postBody(BLACKLIST, latest);
    assertStatus(blacklisted, 200, new JsonObject());
    assertThat(blacklisted.headers().getAll("Set-Cookie")).isEmpty();
    assertStatus(postBody(REFRESH, latest), 401, BLACKLISTED);

    // a body field that is present but blank is DRF's 400, even with a usable cookie
    Session fresh = login();
    assertStatus(post(REFRESH, new JsonObject().put("refresh", " "), fresh.cookieHeader(), fresh.csrf()), 400,
        new JsonObject().put("refresh", new JsonArray().add("This field may not be blank.")));
  }

  @Test
  @DisplayName("without a refresh field and without the cookie, refresh and blacklist answer DRF's 400")
  void neitherBodyNorCookie() {
    Session session = login();
    for (String path : List.of(REFRESH, BLACKLIST)) {
      assertStatus(post(path, new JsonObject(), null, session.csrf()), 400, REFRESH_REQUIRED);
      assertStatus(post(path, new JsonObject(), CSRF_COOKIE + "=" + session.csrf() + "; other=1", session.csrf()), 400, REFRESH_REQUIRED);
      assertStatus(post(path, new JsonObject(), REFRESH_COOKIE + "=; " + CSRF_COOKIE + "=" + session.csrf(), session.csrf()), 400,
          REFRESH_REQUIRED);
      assertStatus(http.postRaw(path, null, ""), 400, REFRESH_REQUIRED);
    }
  }

  @Test
  @DisplayName("with cookie mode off (the default) login sets no cookie and a refresh cookie is ignored")
  void offByDefault() {
    HttpResponse<Buffer> login = plainHttp.postJson(OBTAIN, new JsonObject().put("username", "alice").put("password", "wonderland"));
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.bodyAsJsonObject().fieldNames()).containsExactlyInAnyOrder("refresh", "access");
    assertThat(login.headers().getAll("Set-Cookie")).isEmpty();

    String refresh = login.bodyAsJsonObject().getString("refresh");
    String csrf = CsrfCheck.newToken();
    String cookies = REFRESH_COOKIE + "=" + refresh + "; " + CSRF_COOKIE + "=" + csrf;
    for (String path : List.of(REFRESH, BLACKLIST)) {
      HttpResponse<Buffer> response = post(plainHttp, path, new JsonObject(), cookies, csrf);
      assertStatus(response, 400, REFRESH_REQUIRED);
      assertThat(response.headers().getAll("Set-Cookie")).isEmpty();
    }
    HttpResponse<Buffer> refreshed = post(plainHttp, REFRESH, new JsonObject().put("refresh", refresh), cookies, csrf);
    assertThat(refreshed.statusCode()).isEqualTo(200);
    assertThat(refreshed.bodyAsJsonObject().fieldNames()).containsExactlyInAnyOrder("refresh", "access");
    assertThat(refreshed.headers().getAll("Set-Cookie")).isEmpty();
  }
}
