package io.tokengate.proxy;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestTokens;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Protected routes: authentication, claim rules and identity headers")
class ProxyAuthTest {

  private static final String AUDIENCE = "tokengate-tests";
  private static final String ISSUER = "https://issuer.example.invalid";

  private static UpstreamServer upstream;
  private static TestGateway gateway;
  private static HttpTestClient http;

  @BeforeAll
  static void start() {
    upstream = UpstreamServer.json("api");
    JsonArray routes = new JsonArray()
        .add(route("main", "/api/main/").put("identity_headers", new JsonObject().put("email", "X-User-Email")))
        .add(route("strict", "/api/strict/").put("require", new JsonObject()
            .put("claims", new JsonObject().put("is_staff", true))
            .put("scopes", new JsonArray().add("orders:read"))))
        .add(route("optional", "/api/optional/").put("auth", "optional"))
        .add(route("public", "/api/public/").put("auth", "none"))
        .add(route("forwarding", "/api/forwarding/").put("forward_authorization", true));
    gateway = TestGateway.start(new JsonObject().put("routes", routes)
        .put("jwt", new JsonObject().put("auth_header_types", new JsonArray().add("Bearer").add("JWT"))
            .put("audience", AUDIENCE).put("issuer", ISSUER).put("leeway", 30)));
    http = new HttpTestClient(gateway.port());
  }

  /** A valid access payload for this gateway (its audience and issuer). */
  private static JsonObject access(Object userId) {
    return TestTokens.access(userId).put("aud", AUDIENCE).put("iss", ISSUER);
  }

  private static JsonObject route(String name, String path) {
    return new JsonObject().put("name", name).put("path", path).put("upstream", upstream.url());
  }

  @AfterAll
  static void stop() {
    if (http != null) {
      http.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @BeforeEach
  void forget() {
    upstream.clear();
  }

  private static HttpResponse<Buffer> get(String path, String... headers) {
    var request = http.client().get(path);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return request.send().await();
  }

  private static HttpResponse<Buffer> bearer(String path, String token) {
    return get(path, "Authorization", "Bearer " + token);
  }

  private static void assertRefused(HttpResponse<Buffer> response, JsonObject body) {
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"api\"");
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(response.bodyAsJsonObject()).isEqualTo(body);
    assertThat(response.getHeader("Connection")).as("a refused request without a body keeps its connection").isNull();
    assertThat(upstream.seen()).isEmpty();
  }

  private static JsonObject invalid(String reason) {
    return new JsonObject().put("detail", "Given token not valid for any token type").put("code", "token_not_valid")
        .put("messages", new JsonArray().add(new JsonObject().put("token_class", "AccessToken")
            .put("token_type", "access").put("message", reason)));
  }

  private static final JsonObject NOT_PROVIDED = new JsonObject().put("detail", "Authentication credentials were not provided.");
  private static final JsonObject BAD_HEADER = new JsonObject()
      .put("detail", "Authorization header must contain two space-delimited values").put("code", "bad_authorization_header");

  @Test
  @DisplayName("no Authorization header: 401 'credentials were not provided', nothing reaches the upstream")
  void missing() {
    assertRefused(get("/api/main/x"), NOT_PROVIDED);
  }

  @Test
  @DisplayName("a header of a type not in auth_header_types counts as no credentials")
  void foreignType() {
    assertRefused(get("/api/main/x", "Authorization", "Basic ZGVtbzpkZW1v"), NOT_PROVIDED);
    assertRefused(get("/api/main/x", "Authorization", "bearer " + TestTokens.sign(access(1))), NOT_PROVIDED);
  }

  @Test
  @DisplayName("Bearer with no token or with two: 401 bad_authorization_header")
  void malformedHeader() {
    assertRefused(get("/api/main/x", "Authorization", "Bearer"), BAD_HEADER);
    assertRefused(get("/api/main/x", "Authorization", "Bearer a b"), BAD_HEADER);
  }

  @Test
  @DisplayName("expired, tampered, foreign-key, alg none and garbage tokens: 401 'Token is invalid or expired'")
  void invalidTokens() {
    JsonObject expired = access(7).put("exp", Instant.now().getEpochSecond() - 120);
    assertRefused(bearer("/api/main/x", TestTokens.sign(expired)), invalid("Token is invalid or expired"));
    assertRefused(bearer("/api/main/x", TestTokens.tampered(access(7), access(1))),
        invalid("Token is invalid or expired"));
    assertRefused(bearer("/api/main/x", TestTokens.sign(access(7), "another-key-another-key-another-key-0123")),
        invalid("Token is invalid or expired"));
    assertRefused(bearer("/api/main/x", TestTokens.unsigned(access(7))), invalid("Token is invalid or expired"));
    assertRefused(bearer("/api/main/x", "not.a.jwt"), invalid("Token is invalid or expired"));
    assertRefused(bearer("/api/main/x", "abc$def"), invalid("Token is invalid or expired"));
    assertRefused(bearer("/api/main/x", TestTokens.sign(access(7).put("iat", Instant.now().getEpochSecond() + 3600))),
        invalid("Token is invalid or expired"));
    JsonObject noExp = access(7);
    noExp.remove("exp");
    assertRefused(bearer("/api/main/x", TestTokens.sign(noExp)), invalid("Token is invalid or expired"));
  }

  @Test
  @DisplayName("exp is checked with the configured leeway (30 s here)")
  void leeway() {
    JsonObject recentlyExpired = access(7).put("exp", Instant.now().getEpochSecond() - 10);
    assertThat(bearer("/api/main/x", TestTokens.sign(recentlyExpired)).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a token for another audience or issuer, or without them, is invalid when they are configured")
  void audienceAndIssuer() {
    assertRefused(bearer("/api/main/x", TestTokens.sign(access(7).put("aud", "someone-else"))), invalid("Token is invalid or expired"));
    assertRefused(bearer("/api/main/x", TestTokens.sign(access(7).put("iss", "https://evil.example.invalid"))),
        invalid("Token is invalid or expired"));
    assertRefused(bearer("/api/main/x", TestTokens.sign(TestTokens.access(7))), invalid("Token is invalid or expired"));
  }

  @Test
  @DisplayName("a refresh token, a token without jti or without token_type: Simple JWT's reason")
  void wrongKind() {
    assertRefused(bearer("/api/main/x", TestTokens.sign(access(7).put("token_type", "refresh"))),
        invalid("Token has wrong type"));
    JsonObject noJti = access(7);
    noJti.remove("jti");
    assertRefused(bearer("/api/main/x", TestTokens.sign(noJti)), invalid("Token has no id"));
    JsonObject noType = access(7);
    noType.remove("token_type");
    assertRefused(bearer("/api/main/x", TestTokens.sign(noType)), invalid("Token has no type"));
  }

  @Test
  @DisplayName("a valid token without the user id claim: 401 'no recognizable user identification'")
  void noUserId() {
    JsonObject claims = access(7);
    claims.remove("user_id");
    assertRefused(bearer("/api/main/x", TestTokens.sign(claims)),
        new JsonObject().put("detail", "Token contained no recognizable user identification").put("code", "token_not_valid"));
  }

  @Test
  @DisplayName("a valid token passes; the upstream gets the gateway's identity headers and never the client's")
  void identityHeaders() {
    String token = TestTokens.sign(access(42).put("email", "ada@example.invalid"));
    HttpResponse<Buffer> response = get("/api/main/orders?x=1", "Authorization", "Bearer " + token,
        "X-Auth-User-Id", "1", "X-Auth-Is-Admin", "yes", "X-User-Email", "root@example.invalid");
    assertThat(response.statusCode()).isEqualTo(200);
    UpstreamServer.Seen seen = upstream.last();
    assertThat(seen.uri()).isEqualTo("/api/main/orders?x=1");
    assertThat(seen.header("X-Auth-User-Id")).isEqualTo("42");
    assertThat(seen.header("X-User-Email")).isEqualTo("ada@example.invalid");
    assertThat(seen.headers().fieldNames()).doesNotContain("x-auth-is-admin", "authorization");
    assertThat(seen.header("X-Request-Id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
        .as("the upstream gets the request id the client's response (and the access log) carries")
        .isEqualTo(response.getHeader("X-Request-Id"));
  }

  @Test
  @DisplayName("a spoofed X-Auth-User-Id is removed even when the token carries no mapped claim")
  void spoofWithoutClaim() {
    HttpResponse<Buffer> response = get("/api/main/x", "Authorization", "Bearer " + TestTokens.sign(access(42)),
        "x-auth-user-id", "1", "X-User-Email", "root@example.invalid", "X-Request-Id", "trace-123");
    assertThat(response.statusCode()).isEqualTo(200);
    UpstreamServer.Seen seen = upstream.last();
    assertThat(seen.header("X-Auth-User-Id")).isEqualTo("42");
    assertThat(seen.headers().fieldNames()).doesNotContain("x-user-email");
    assertThat(seen.header("X-Request-Id")).isEqualTo("trace-123");
  }

  @Test
  @DisplayName("another accepted header type (JWT) works like Bearer")
  void otherHeaderType() {
    HttpResponse<Buffer> response = get("/api/main/x", "Authorization", "JWT " + TestTokens.sign(access(5)));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.last().header("X-Auth-User-Id")).isEqualTo("5");
  }

  @Test
  @DisplayName("a token from the real login endpoint opens a protected route")
  void realLogin() {
    String access = http.login("demo", "demo-password").getString("access");
    HttpResponse<Buffer> response = bearer("/api/main/me", access);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.last().header("X-Auth-User-Id")).matches("\\d+");
  }

  @Test
  @DisplayName("the gateway's own refresh and CSRF cookies never reach the upstream; other cookies do")
  void gatewayCookiesStripped() {
    String token = TestTokens.sign(access(8));
    HttpResponse<Buffer> response = get("/api/main/x", "Authorization", "Bearer " + token,
        "Cookie", "theme=dark; __Host-tokengate_refresh=secret-refresh; __Host-tokengate_csrf=abc; lang=en");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.last().header("Cookie")).isEqualTo("theme=dark; lang=en");
    assertThat(get("/api/main/x", "Authorization", "Bearer " + token, "Cookie", "__Host-tokengate_refresh=x").statusCode())
        .isEqualTo(200);
    assertThat(upstream.last().headers().fieldNames()).doesNotContain("cookie");
  }

  @Test
  @DisplayName("Authorization is not forwarded by default, and forwarded when the route says so")
  void forwardAuthorization() {
    String token = TestTokens.sign(access(3));
    assertThat(bearer("/api/main/x", token).statusCode()).isEqualTo(200);
    assertThat(upstream.last().headers().fieldNames()).doesNotContain("authorization");
    assertThat(bearer("/api/forwarding/x", token).statusCode()).isEqualTo(200);
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer " + token);
  }

  @Test
  @DisplayName("a failed claim or scope rule is 403; a token meeting every rule passes")
  void claimRules() {
    JsonObject forbidden = new JsonObject().put("detail", "You do not have permission to perform this action.");
    HttpResponse<Buffer> notStaff = bearer("/api/strict/x",
        TestTokens.sign(access(1).put("is_staff", false).put("scope", "orders:read")));
    assertThat(notStaff.statusCode()).isEqualTo(403);
    assertThat(notStaff.bodyAsJsonObject()).isEqualTo(forbidden);
    HttpResponse<Buffer> noScope = bearer("/api/strict/x",
        TestTokens.sign(access(1).put("is_staff", true).put("scope", "orders:write orders:readx")));
    assertThat(noScope.statusCode()).isEqualTo(403);
    assertThat(noScope.bodyAsJsonObject()).isEqualTo(forbidden);
    assertThat(upstream.seen()).isEmpty();
    HttpResponse<Buffer> allowed = bearer("/api/strict/x",
        TestTokens.sign(access(1).put("is_staff", true).put("scope", "orders:write orders:read")));
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(upstream.seen()).hasSize(1);
  }

  @Test
  @DisplayName("auth optional: anonymous passes without identity, a valid token adds it, an invalid one is 401")
  void optional() {
    HttpResponse<Buffer> anonymous = get("/api/optional/x", "X-Auth-User-Id", "1");
    assertThat(anonymous.statusCode()).isEqualTo(200);
    assertThat(upstream.last().headers().fieldNames()).doesNotContain("x-auth-user-id");
    assertThat(bearer("/api/optional/x", TestTokens.sign(access(9))).statusCode()).isEqualTo(200);
    assertThat(upstream.last().header("X-Auth-User-Id")).isEqualTo("9");
    upstream.clear();
    assertRefused(bearer("/api/optional/x", TestTokens.unsigned(access(9))), invalid("Token is invalid or expired"));
  }

  @Test
  @DisplayName("auth none: everything passes, identity headers and Authorization are still stripped")
  void none() {
    HttpResponse<Buffer> response = get("/api/public/x", "Authorization", "Bearer garbage", "X-Auth-User-Id", "1",
        "X-Request-Id", "x".repeat(200));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.last().headers().fieldNames()).doesNotContain("x-auth-user-id", "authorization");
    assertThat(upstream.last().header("X-Request-Id")).as("an oversized request id is replaced").matches("[0-9a-f-]{36}");
  }
}
