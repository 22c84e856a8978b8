package io.tokengate.proxy;

import io.tokengate.support.Closing;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Steps;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestTokens;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Protected routes: authentication, claim rules and identity headers")
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ProxyAuthTest {

  private static final String AUDIENCE = "tokengate-tests";
  private static final String ISSUER = "https://issuer.example.invalid";

  private static UpstreamServer upstream;
  private static TestGateway gateway;
  private static HttpTestClient http;

  @BeforeAll
  static void start(Vertx vertx) {
    upstream = UpstreamServer.json("api");
    JsonArray routes = new JsonArray()
        .add(upstream.route("main", "/api/main/").put("identity_headers", new JsonObject().put("email", "X-User-Email")))
        .add(upstream.route("strict", "/api/strict/").put("require", new JsonObject()
            .put("claims", new JsonObject().put("is_staff", true))
            .put("scopes", new JsonArray().add("orders:read"))))
        .add(upstream.route("optional", "/api/optional/").put("auth", "optional"))
        .add(upstream.route("public", "/api/public/").put("auth", "none"))
        .add(upstream.route("forwarding", "/api/forwarding/").put("forward_authorization", true));
    gateway = TestGateway.start(new JsonObject().put("routes", routes)
        .put("jwt", new JsonObject().put("auth_header_types", new JsonArray().add("Bearer").add("JWT"))
            .put("audience", AUDIENCE).put("issuer", ISSUER).put("leeway", 30)));
    http = new HttpTestClient(vertx, gateway.port());
  }

  /** A valid access payload for this gateway (its audience and issuer). */
  private static JsonObject access(Object userId) {
    return TestTokens.access(userId).put("aud", AUDIENCE).put("iss", ISSUER);
  }

  @AfterAll
  static void stop() {
    Closing.all(http, gateway, upstream);
  }

  @BeforeEach
  void forget() {
    upstream.clear();
  }

  private static Future<HttpResponse<Buffer>> get(String path, String... headers) {
    return http.send(HttpMethod.GET, path, headers);
  }

  private static Future<HttpResponse<Buffer>> bearer(String path, String token) {
    return get(path, "Authorization", "Bearer " + token);
  }

  /** The answer's status once it arrives. */
  private static Future<Integer> status(Future<HttpResponse<Buffer>> answer) {
    return answer.map(HttpResponse::statusCode);
  }

  /** Checks a refusal once it arrives (see {@link #assertRefused}). */
  private static Future<Void> refused(Future<HttpResponse<Buffer>> answer, JsonObject body) {
    return answer.map(response -> {
      assertRefused(response, body);
      return null;
    });
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
  void missing(VertxTestContext ctx) {
    refused(get("/api/main/x"), NOT_PROVIDED).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a header of a type not in auth_header_types counts as no credentials")
  void foreignType(VertxTestContext ctx) {
    Steps.inOrder(
        () -> refused(get("/api/main/x", "Authorization", "Basic ZGVtbzpkZW1v"), NOT_PROVIDED),
        () -> refused(get("/api/main/x", "Authorization", "bearer " + TestTokens.sign(access(1))), NOT_PROVIDED))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Bearer with no token or with two: 401 bad_authorization_header")
  void malformedHeader(VertxTestContext ctx) {
    Steps.inOrder(
        () -> refused(get("/api/main/x", "Authorization", "Bearer"), BAD_HEADER),
        () -> refused(get("/api/main/x", "Authorization", "Bearer a b"), BAD_HEADER))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("expired, tampered, foreign-key, alg none and garbage tokens: 401 'Token is invalid or expired'")
  void invalidTokens(VertxTestContext ctx) {
    JsonObject invalid = invalid("Token is invalid or expired");
    JsonObject expired = access(7).put("exp", Instant.now().getEpochSecond() - 120);
    JsonObject noExp = access(7);
    noExp.remove("exp");
    Steps.inOrder(
        () -> refused(bearer("/api/main/x", TestTokens.sign(expired)), invalid),
        () -> refused(bearer("/api/main/x", TestTokens.tampered(access(7), access(1))), invalid),
        () -> refused(bearer("/api/main/x", TestTokens.sign(access(7), "another-key-another-key-another-key-0123")), invalid),
        () -> refused(bearer("/api/main/x", TestTokens.unsigned(access(7))), invalid),
        () -> refused(bearer("/api/main/x", "not.a.jwt"), invalid),
        () -> refused(bearer("/api/main/x", "abc$def"), invalid),
        () -> refused(bearer("/api/main/x", TestTokens.sign(access(7).put("iat", Instant.now().getEpochSecond() + 3600))), invalid),
        () -> refused(bearer("/api/main/x", TestTokens.sign(noExp)), invalid))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("exp is checked with the configured leeway (30 s here)")
  void leeway(VertxTestContext ctx) {
    JsonObject recentlyExpired = access(7).put("exp", Instant.now().getEpochSecond() - 10);
    status(bearer("/api/main/x", TestTokens.sign(recentlyExpired)))
        .onComplete(ctx.succeeding(code -> ctx.verify(() -> {
          assertThat(code).isEqualTo(200);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a token for another audience or issuer, or without them, is invalid when they are configured")
  void audienceAndIssuer(VertxTestContext ctx) {
    JsonObject invalid = invalid("Token is invalid or expired");
    Steps.inOrder(
        () -> refused(bearer("/api/main/x", TestTokens.sign(access(7).put("aud", "someone-else"))), invalid),
        () -> refused(bearer("/api/main/x", TestTokens.sign(access(7).put("iss", "https://evil.example.invalid"))), invalid),
        () -> refused(bearer("/api/main/x", TestTokens.sign(TestTokens.access(7))), invalid))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a refresh token, a token without jti or without token_type: Simple JWT's reason")
  void wrongKind(VertxTestContext ctx) {
    JsonObject noJti = access(7);
    noJti.remove("jti");
    JsonObject noType = access(7);
    noType.remove("token_type");
    Steps.inOrder(
        () -> refused(bearer("/api/main/x", TestTokens.sign(access(7).put("token_type", "refresh"))), invalid("Token has wrong type")),
        () -> refused(bearer("/api/main/x", TestTokens.sign(noJti)), invalid("Token has no id")),
        () -> refused(bearer("/api/main/x", TestTokens.sign(noType)), invalid("Token has no type")))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a valid token without the user id claim: 401 'no recognizable user identification'")
  void noUserId(VertxTestContext ctx) {
    JsonObject claims = access(7);
    claims.remove("user_id");
    refused(bearer("/api/main/x", TestTokens.sign(claims)),
        new JsonObject().put("detail", "Token contained no recognizable user identification").put("code", "token_not_valid"))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a valid token passes; the upstream gets the gateway's identity headers and never the client's")
  void identityHeaders(VertxTestContext ctx) {
    String token = TestTokens.sign(access(42).put("email", "ada@example.invalid"));
    get("/api/main/orders?x=1", "Authorization", "Bearer " + token,
        "X-Auth-User-Id", "1", "X-Auth-Is-Admin", "yes", "X-User-Email", "root@example.invalid")
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          UpstreamServer.Seen seen = upstream.last();
          assertThat(seen.uri()).isEqualTo("/api/main/orders?x=1");
          assertThat(seen.header("X-Auth-User-Id")).isEqualTo("42");
          assertThat(seen.header("X-User-Email")).isEqualTo("ada@example.invalid");
          assertThat(seen.headers().fieldNames()).doesNotContain("x-auth-is-admin", "authorization");
          assertThat(seen.header("X-Request-Id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
              .as("the upstream gets the request id the client's response (and the access log) carries")
              .isEqualTo(response.getHeader("X-Request-Id"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a spoofed X-Auth-User-Id is removed even when the token carries no mapped claim")
  void spoofWithoutClaim(VertxTestContext ctx) {
    get("/api/main/x", "Authorization", "Bearer " + TestTokens.sign(access(42)),
        "x-auth-user-id", "1", "X-User-Email", "root@example.invalid", "X-Request-Id", "trace-123")
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          UpstreamServer.Seen seen = upstream.last();
          assertThat(seen.header("X-Auth-User-Id")).isEqualTo("42");
          assertThat(seen.headers().fieldNames()).doesNotContain("x-user-email");
          assertThat(seen.header("X-Request-Id")).isEqualTo("trace-123");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("another accepted header type (JWT) works like Bearer")
  void otherHeaderType(VertxTestContext ctx) {
    status(get("/api/main/x", "Authorization", "JWT " + TestTokens.sign(access(5))))
        .onComplete(ctx.succeeding(code -> ctx.verify(() -> {
          assertThat(code).isEqualTo(200);
          assertThat(upstream.last().header("X-Auth-User-Id")).isEqualTo("5");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a token from the real login endpoint opens a protected route")
  void realLogin(VertxTestContext ctx) {
    http.loginAsync("demo", "demo-password")
        .compose(pair -> status(bearer("/api/main/me", pair.getString("access"))))
        .onComplete(ctx.succeeding(code -> ctx.verify(() -> {
          assertThat(code).isEqualTo(200);
          assertThat(upstream.last().header("X-Auth-User-Id")).matches("\\d+");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the gateway's own refresh and CSRF cookies never reach the upstream; other cookies do")
  void gatewayCookiesStripped(VertxTestContext ctx) {
    String token = TestTokens.sign(access(8));
    Steps.inOrder(
        () -> status(get("/api/main/x", "Authorization", "Bearer " + token,
            "Cookie", "theme=dark; __Host-tokengate_refresh=secret-refresh; __Host-tokengate_csrf=abc; lang=en")).map(code -> {
              assertThat(code).isEqualTo(200);
              assertThat(upstream.last().header("Cookie")).isEqualTo("theme=dark; lang=en");
              return code;
            }),
        () -> status(get("/api/main/x", "Authorization", "Bearer " + token, "Cookie", "__Host-tokengate_refresh=x")).map(code -> {
          assertThat(code).isEqualTo(200);
          assertThat(upstream.last().headers().fieldNames()).doesNotContain("cookie");
          return code;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Authorization is not forwarded by default, and forwarded when the route says so")
  void forwardAuthorization(VertxTestContext ctx) {
    String token = TestTokens.sign(access(3));
    Steps.inOrder(
        () -> status(bearer("/api/main/x", token)).map(code -> {
          assertThat(code).isEqualTo(200);
          assertThat(upstream.last().headers().fieldNames()).doesNotContain("authorization");
          return code;
        }),
        () -> status(bearer("/api/forwarding/x", token)).map(code -> {
          assertThat(code).isEqualTo(200);
          assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer " + token);
          return code;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a failed claim or scope rule is 403; a token meeting every rule passes")
  void claimRules(VertxTestContext ctx) {
    JsonObject forbidden = new JsonObject().put("detail", "You do not have permission to perform this action.");
    Steps.inOrder(
        () -> bearer("/api/strict/x", TestTokens.sign(access(1).put("is_staff", false).put("scope", "orders:read"))).map(notStaff -> {
          assertThat(notStaff.statusCode()).isEqualTo(403);
          assertThat(notStaff.bodyAsJsonObject()).isEqualTo(forbidden);
          return notStaff;
        }),
        () -> bearer("/api/strict/x", TestTokens.sign(access(1).put("is_staff", true).put("scope", "orders:write orders:readx")))
            .map(noScope -> {
              assertThat(noScope.statusCode()).isEqualTo(403);
              assertThat(noScope.bodyAsJsonObject()).isEqualTo(forbidden);
              assertThat(upstream.seen()).isEmpty();
              return noScope;
            }),
        () -> status(bearer("/api/strict/x", TestTokens.sign(access(1).put("is_staff", true).put("scope", "orders:write orders:read"))))
            .map(code -> {
              assertThat(code).isEqualTo(200);
              assertThat(upstream.seen()).hasSize(1);
              return code;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("auth optional: anonymous passes without identity, a valid token adds it, an invalid one is 401")
  void optional(VertxTestContext ctx) {
    Steps.inOrder(
        () -> status(get("/api/optional/x", "X-Auth-User-Id", "1")).map(code -> {
          assertThat(code).isEqualTo(200);
          assertThat(upstream.last().headers().fieldNames()).doesNotContain("x-auth-user-id");
          return code;
        }),
        () -> status(bearer("/api/optional/x", TestTokens.sign(access(9)))).map(code -> {
          assertThat(code).isEqualTo(200);
          assertThat(upstream.last().header("X-Auth-User-Id")).isEqualTo("9");
          upstream.clear();
          return code;
        }),
        () -> refused(bearer("/api/optional/x", TestTokens.unsigned(access(9))), invalid("Token is invalid or expired")))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("auth none: everything passes, identity headers and Authorization are still stripped")
  void none(VertxTestContext ctx) {
    get("/api/public/x", "Authorization", "Bearer garbage", "X-Auth-User-Id", "1", "X-Request-Id", "x".repeat(200))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(upstream.last().headers().fieldNames()).doesNotContain("x-auth-user-id", "authorization");
          assertThat(upstream.last().header("X-Request-Id")).as("an oversized request id is replaced").matches("[0-9a-f-]{36}");
          ctx.completeNow();
        })));
  }
}
