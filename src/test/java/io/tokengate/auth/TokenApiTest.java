package io.tokengate.auth;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.Poll;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.tokengate.support.TestGateway.SIGNING_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** Every row of the token API contract (spec/token-api.md), over real HTTP against real PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenApiTest {

  private static final String OBTAIN = "/api/token/";
  private static final String REFRESH = "/api/token/refresh/";
  private static final String VERIFY = "/api/token/verify/";
  private static final String BLACKLIST = "/api/token/blacklist/";

  private TestGateway gateway;
  private HttpTestClient http;
  private Users users;

  @BeforeAll
  void start() {
    gateway = TestGateway.start(new JsonObject());
    http = new HttpTestClient(gateway.port());
    users = new Users(gateway.database());
    users.create("alice", "wonderland", true);
    users.create("inactive", "wonderland", false);
    users.insert("unusable", "!pjYPIgS69lfN75I6BjY6EPHy6LXuqDaTX6d2FuCL", true, null);
  }

  @AfterAll
  void stop() {
    http.close();
    gateway.close();
  }

  private HttpResponse<Buffer> post(String path, JsonObject body) {
    return http.postJson(path, body);
  }

  private static void assertError(HttpResponse<Buffer> response, int status, JsonObject body) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    assertThat(response.bodyAsJsonObject()).isEqualTo(body);
    if (status == 401) {
      assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"api\"");
    }
  }

  private static JsonObject detail(String detail, String code) {
    JsonObject body = new JsonObject().put("detail", detail);
    return code == null ? body : body.put("code", code);
  }

  private static JsonObject field(String name, String message) {
    return new JsonObject().put(name, new JsonArray().add(message));
  }

  @Nested
  @DisplayName("POST /api/token/")
  class Obtain {

    @Test
    @DisplayName("valid credentials give a refresh and an access token with Simple JWT's claims")
    void pair() {
      HttpResponse<Buffer> response = post(OBTAIN, new JsonObject().put("username", "alice").put("password", "wonderland"));
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.fieldNames()).containsExactlyInAnyOrder("refresh", "access");
      for (String type : List.of("refresh", "access")) {
        String token = body.getString(type);
        JsonObject header = Jwts.header(token);
        assertThat(new ArrayList<>(header.fieldNames())).containsExactly("alg", "typ", "kid");
        assertThat(header.getString("alg")).isEqualTo("HS256");
        assertThat(header.getString("typ")).isEqualTo("JWT");
        assertThat(header.getString("kid")).matches("[A-Za-z0-9_-]{43}");
        assertThat(Jwts.signatureValid(token, SIGNING_KEY)).isTrue();
        JsonObject claims = Jwts.payload(token);
        assertThat(new ArrayList<>(claims.fieldNames())).containsExactly("token_type", "exp", "iat", "jti", "user_id");
        assertThat(claims.getString("token_type")).isEqualTo(type);
        assertThat(claims.getString("jti")).matches("[0-9a-f]{32}");
        assertThat(claims.getValue("user_id")).isInstanceOf(Integer.class);
        long lifetime = claims.getLong("exp") - claims.getLong("iat");
        assertThat(lifetime).isEqualTo(type.equals("access") ? 300 : 86400);
      }
      assertThat(Jwts.payload(body.getString("access")).getValue("user_id"))
          .isEqualTo(Jwts.payload(body.getString("refresh")).getValue("user_id"));
    }

    @Test
    @DisplayName("a form-encoded body works like JSON")
    void form() {
      HttpResponse<Buffer> response = http.postForm(OBTAIN, MultiMap.caseInsensitiveMultiMap()
          .add("username", "alice").add("password", "wonderland"));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().fieldNames()).containsExactlyInAnyOrder("refresh", "access");
    }

    @Test
    @DisplayName("wrong password, unknown user, inactive user and unusable password all get the same 401")
    void badCredentials() {
      JsonObject expected = detail("No active account found with the given credentials", null);
      assertError(post(OBTAIN, new JsonObject().put("username", "alice").put("password", "wrong")), 401, expected);
      assertError(post(OBTAIN, new JsonObject().put("username", "nobody").put("password", "wonderland")), 401, expected);
      assertError(post(OBTAIN, new JsonObject().put("username", "inactive").put("password", "wonderland")), 401, expected);
      assertError(post(OBTAIN, new JsonObject().put("username", "unusable").put("password", "anything")), 401, expected);
    }

    @Test
    @DisplayName("missing fields get one 'required' entry each")
    void missing() {
      assertError(post(OBTAIN, new JsonObject()), 400, field("username", "This field is required.")
          .put("password", new JsonArray().add("This field is required.")));
      assertError(post(OBTAIN, new JsonObject().put("username", "alice")), 400, field("password", "This field is required."));
      assertError(http.postRaw(OBTAIN, "application/json", ""), 400, field("username", "This field is required.")
          .put("password", new JsonArray().add("This field is required.")));
    }

    @Test
    @DisplayName("blank, null and non-string fields get DRF's messages")
    void invalidFields() {
      assertError(post(OBTAIN, new JsonObject().put("username", "").put("password", "x")), 400,
          field("username", "This field may not be blank."));
      assertError(post(OBTAIN, new JsonObject().put("username", "   ").put("password", "x")), 400,
          field("username", "This field may not be blank."));
      assertError(post(OBTAIN, new JsonObject().putNull("username").put("password", "x")), 400,
          field("username", "This field may not be null."));
      assertError(post(OBTAIN, new JsonObject().put("username", new JsonArray().add("a")).put("password", new JsonObject())), 400,
          field("username", "Not a valid string.").put("password", new JsonArray().add("Not a valid string.")));
      assertError(post(OBTAIN, new JsonObject().put("username", true).put("password", "x")), 400,
          field("username", "Not a valid string."));
    }

    @Test
    @DisplayName("a number is taken as its text, as DRF's CharField does")
    void numberIsText() {
      users.create("12345", "digits", true);
      HttpResponse<Buffer> response = post(OBTAIN, new JsonObject().put("username", 12345).put("password", "digits"));
      assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a password keeps its surrounding spaces (trim_whitespace=False)")
    void passwordNotTrimmed() {
      users.create("spacey", " padded ", true);
      assertThat(post(OBTAIN, new JsonObject().put("username", "spacey").put("password", " padded ")).statusCode()).isEqualTo(200);
      assertThat(post(OBTAIN, new JsonObject().put("username", "spacey").put("password", "padded")).statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("malformed JSON is a 400 'JSON parse error'")
    void malformedJson() {
      HttpResponse<Buffer> response = http.postRaw(OBTAIN, "application/json", "{\"username\": ");
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("detail")).startsWith("JSON parse error - ");
      assertThat(response.bodyAsJsonObject().fieldNames()).containsExactly("detail");
    }

    @Test
    @DisplayName("a JSON list instead of an object is DRF's 'Invalid data' 400")
    void notAnObject() {
      assertError(http.postRaw(OBTAIN, "application/json", "[1, 2]"), 400,
          field("non_field_errors", "Invalid data. Expected a dictionary, but got list."));
    }

    @Test
    @DisplayName("an unsupported content type is a 415 naming it")
    void unsupportedMediaType() {
      assertError(http.postRaw(OBTAIN, "text/plain", "username=alice"), 415,
          detail("Unsupported media type \"text/plain\" in request.", null));
      assertError(http.postRaw(OBTAIN, "application/xml; charset=utf-8", "<a/>"), 415,
          detail("Unsupported media type \"application/xml; charset=utf-8\" in request.", null));
    }

    @Test
    @DisplayName("other methods than POST get 405 with Allow; OPTIONS describes the endpoint")
    void methods() {
      for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH)) {
        HttpResponse<Buffer> response = http.request(method, OBTAIN);
        assertError(response, 405, detail("Method \"" + method.name() + "\" not allowed.", null));
        assertThat(response.getHeader("Allow")).isEqualTo("POST, OPTIONS");
      }
      HttpResponse<Buffer> options = http.request(HttpMethod.OPTIONS, OBTAIN);
      assertThat(options.statusCode()).isEqualTo(200);
      assertThat(options.bodyAsJsonObject().getJsonArray("parses")).contains("application/json");
    }

    @Test
    @DisplayName("a body over 16 KiB is a 413 with a JSON body, and nothing is stored")
    void tooLarge() {
      long before = users.count("SELECT count(*) FROM tokengate_outstanding_token");
      String big = "x".repeat(20_000);
      HttpResponse<Buffer> response = post(OBTAIN, new JsonObject().put("username", "alice").put("password", big));
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
      assertThat(users.count("SELECT count(*) FROM tokengate_outstanding_token")).isEqualTo(before);
    }

    @Test
    @DisplayName("an unknown API path is a JSON 404")
    void notFound() {
      assertError(http.request(HttpMethod.GET, "/api/nothing-here/"), 404, detail("Not found.", null));
    }
  }

  @Nested
  @DisplayName("POST /api/token/refresh/")
  class Refresh {

    @Test
    @DisplayName("a refresh rotates: new access and refresh, the old refresh blacklisted and recorded")
    void rotates() {
      JsonObject pair = http.login("alice", "wonderland");
      HttpResponse<Buffer> response = post(REFRESH, new JsonObject().put("refresh", pair.getString("refresh")));
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.fieldNames()).containsExactlyInAnyOrder("access", "refresh");
      JsonObject oldClaims = Jwts.payload(pair.getString("refresh"));
      JsonObject newClaims = Jwts.payload(body.getString("refresh"));
      assertThat(newClaims.getString("jti")).isNotEqualTo(oldClaims.getString("jti"));
      assertThat(newClaims.getValue("user_id")).isEqualTo(oldClaims.getValue("user_id"));
      assertThat(Jwts.payload(body.getString("access")).getString("token_type")).isEqualTo("access");
      assertThat(users.count("SELECT count(*) FROM tokengate_outstanding_token WHERE jti = '" + newClaims.getString("jti") + "'"))
          .as("the rotated token is recorded as outstanding").isEqualTo(1);
      assertThat(post(VERIFY, new JsonObject().put("token", body.getString("access"))).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("reusing a rotated refresh token revokes its whole family")
    void reuseRevokesFamily() {
      JsonObject pair = http.login("alice", "wonderland");
      String first = pair.getString("refresh");
      String second = post(REFRESH, new JsonObject().put("refresh", first)).bodyAsJsonObject().getString("refresh");
      String third = post(REFRESH, new JsonObject().put("refresh", second)).bodyAsJsonObject().getString("refresh");
      assertError(post(REFRESH, new JsonObject().put("refresh", first)), 401, detail("Token is blacklisted", "token_not_valid"));
      assertError(post(REFRESH, new JsonObject().put("refresh", third)), 401, detail("Token is blacklisted", "token_not_valid"));
      JsonObject other = http.login("alice", "wonderland");
      assertThat(post(REFRESH, new JsonObject().put("refresh", other.getString("refresh"))).statusCode())
          .as("another login's family is untouched").isEqualTo(200);
    }

    @Test
    @DisplayName("of many concurrent refreshes of one token exactly one succeeds")
    void concurrentRefresh() {
      String refresh = http.login("alice", "wonderland").getString("refresh");
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(http.client().post(REFRESH).sendJsonObject(new JsonObject().put("refresh", refresh)));
      }
      Future.join(calls).await();
      long ok = calls.stream().filter(f -> f.result().statusCode() == 200).count();
      long refused = calls.stream().filter(f -> f.result().statusCode() == 401).count();
      assertThat(ok).isEqualTo(1);
      assertThat(refused).isEqualTo(7);
    }

    @Test
    @DisplayName("of many concurrent refreshes of a token minted elsewhere (no row yet) exactly one succeeds")
    void concurrentRefreshOfForeignToken() {
      int id = users.create("foreign", "pw-foreign", true);
      String refresh = Jwts.hs256(Jwts.claims("refresh", id, 100), SIGNING_KEY);
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(http.client().post(REFRESH).sendJsonObject(new JsonObject().put("refresh", refresh)));
      }
      Future.join(calls).await();
      assertThat(calls.stream().filter(f -> f.result().statusCode() == 200).count()).isEqualTo(1);
      assertThat(calls.stream().filter(f -> f.result().statusCode() == 401).count()).isEqualTo(7);
      String jti = Jwts.payload(refresh).getString("jti");
      assertThat(users.count("SELECT count(*) FROM tokengate_outstanding_token WHERE jti = '" + jti + "'")).isEqualTo(1);
    }

    @Test
    @DisplayName("a token minted elsewhere for an inactive or unknown user is refused and leaves no row")
    void foreignTokenOfInactiveUser() {
      int id = users.create("dormant", "pw-dormant", false);
      for (Object userId : List.<Object>of(id, 987654)) {
        String refresh = Jwts.hs256(Jwts.claims("refresh", userId, 100), SIGNING_KEY);
        assertError(post(REFRESH, new JsonObject().put("refresh", refresh)), 401,
            detail("No active account found for the given token.", "no_active_account"));
        String jti = Jwts.payload(refresh).getString("jti");
        assertThat(users.count("SELECT count(*) FROM tokengate_outstanding_token WHERE jti = '" + jti + "'")).isZero();
      }
    }

    @Test
    @DisplayName("a user id claim given as text finds the same user (compared as text)")
    void textUserId() {
      int id = users.create("texty", "pw-texty", true);
      String refresh = Jwts.hs256(Jwts.claims("refresh", String.valueOf(id), 100), SIGNING_KEY);
      HttpResponse<Buffer> response = post(REFRESH, new JsonObject().put("refresh", refresh));
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      users.setActive("texty", false);
      assertError(post(REFRESH, new JsonObject().put("refresh", Jwts.hs256(Jwts.claims("refresh", String.valueOf(id), 100), SIGNING_KEY))),
          401, detail("No active account found for the given token.", "no_active_account"));
    }

    @Test
    @DisplayName("a rotated token reused after its user was deactivated is 'Token is blacklisted' and still revokes the family")
    void reuseWinsOverInactiveUser() {
      users.create("reuser", "pw-reuser", true);
      String first = http.login("reuser", "pw-reuser").getString("refresh");
      String second = post(REFRESH, new JsonObject().put("refresh", first)).bodyAsJsonObject().getString("refresh");
      users.setActive("reuser", false);
      assertError(post(REFRESH, new JsonObject().put("refresh", first)), 401, detail("Token is blacklisted", "token_not_valid"));
      String jti = Jwts.payload(second).getString("jti");
      assertThat(users.count("SELECT count(*) FROM tokengate_blacklisted_token b JOIN tokengate_outstanding_token o"
          + " ON o.id = b.token_id WHERE o.jti = '" + jti + "'")).as("the family's newest token is blacklisted").isEqualTo(1);
    }

    @Test
    @DisplayName("an access token is refused with 'Token has wrong type'")
    void accessToken() {
      String access = http.login("alice", "wonderland").getString("access");
      assertError(post(REFRESH, new JsonObject().put("refresh", access)), 401, detail("Token has wrong type", "token_not_valid"));
    }

    @Test
    @DisplayName("bad, expired and tampered tokens are 'Token is invalid or expired'")
    void invalid() {
      JsonObject expected = detail("Token is invalid or expired", "token_not_valid");
      assertError(post(REFRESH, new JsonObject().put("refresh", "not-a-token")), 401, expected);
      assertError(post(REFRESH, new JsonObject().put("refresh", Jwts.hs256(Jwts.claims("refresh", 1, -10), SIGNING_KEY))), 401, expected);
      assertError(post(REFRESH, new JsonObject().put("refresh", Jwts.hs256(Jwts.claims("refresh", 1, 100), "another-key-0123456789abcdef0123456789"))), 401, expected);
      assertError(post(REFRESH, new JsonObject().put("refresh", Jwts.unsigned(Jwts.claims("refresh", 1, 100)))), 401, expected);
      JsonObject noExp = Jwts.claims("refresh", 1, 100);
      noExp.remove("exp");
      assertError(post(REFRESH, new JsonObject().put("refresh", Jwts.hs256(noExp, SIGNING_KEY))), 401, expected);
      String real = http.login("alice", "wonderland").getString("refresh");
      String[] parts = real.split("\\.");
      String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "fQ." + parts[2];
      assertError(post(REFRESH, new JsonObject().put("refresh", tampered)), 401, expected);
    }

    @Test
    @DisplayName("tokens without jti or token_type get Simple JWT's messages")
    void missingClaims() {
      JsonObject noJti = Jwts.claims("refresh", 1, 100);
      noJti.remove("jti");
      assertError(post(REFRESH, new JsonObject().put("refresh", Jwts.hs256(noJti, SIGNING_KEY))), 401, detail("Token has no id", "token_not_valid"));
      JsonObject noType = Jwts.claims("refresh", 1, 100);
      noType.remove("token_type");
      assertError(post(REFRESH, new JsonObject().put("refresh", Jwts.hs256(noType, SIGNING_KEY))), 401, detail("Token has no type", "token_not_valid"));
    }

    @Test
    @DisplayName("a blacklisted token is 'Token is blacklisted'")
    void blacklisted() {
      String refresh = http.login("alice", "wonderland").getString("refresh");
      assertThat(post(BLACKLIST, new JsonObject().put("refresh", refresh)).statusCode()).isEqualTo(200);
      assertError(post(REFRESH, new JsonObject().put("refresh", refresh)), 401, detail("Token is blacklisted", "token_not_valid"));
    }

    @Test
    @DisplayName("a user deactivated since login cannot refresh, not even once reactivated; the failed refresh changes nothing")
    void deactivatedUser() {
      users.create("leaver", "bye-bye-1", true);
      String refresh = http.login("leaver", "bye-bye-1").getString("refresh");
      users.setActive("leaver", false);
      long blacklistedBefore = users.count("SELECT count(*) FROM tokengate_blacklisted_token");
      assertError(post(REFRESH, new JsonObject().put("refresh", refresh)), 401,
          detail("No active account found for the given token.", "no_active_account"));
      assertThat(users.count("SELECT count(*) FROM tokengate_blacklisted_token")).isEqualTo(blacklistedBefore);
      users.setActive("leaver", true);
      Poll.until(Duration.ofSeconds(2), "the deactivation is heard",
          () -> post(REFRESH, new JsonObject().put("refresh", refresh)).statusCode() == 401);
      assertError(post(REFRESH, new JsonObject().put("refresh", refresh)), 401,
          detail("No active account found for the given token.", "no_active_account"));
      Poll.until(Duration.ofSeconds(3), "a login after the reactivation refreshes",
          () -> post(REFRESH, new JsonObject().put("refresh", http.login("leaver", "bye-bye-1").getString("refresh"))).statusCode() == 200);
    }

    @Test
    @DisplayName("an access token minted from a refresh token copies its extra claims")
    void copiesClaims() {
      int id = users.create("scoped", "pw-scoped", true);
      JsonObject claims = Jwts.claims("refresh", id, 100).put("scope", "orders:read").put("tenant", 7);
      HttpResponse<Buffer> response = post(REFRESH, new JsonObject().put("refresh", Jwts.hs256(claims, SIGNING_KEY)));
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject access = Jwts.payload(response.bodyAsJsonObject().getString("access"));
      assertThat(new ArrayList<>(access.fieldNames())).containsExactly("token_type", "exp", "iat", "jti", "user_id", "scope", "tenant");
      assertThat(access.getString("scope")).isEqualTo("orders:read");
      assertThat(access.getString("jti")).isNotEqualTo(claims.getString("jti"));
    }

    @Test
    @DisplayName("missing and blank fields are 400s")
    void fields() {
      assertError(post(REFRESH, new JsonObject()), 400, field("refresh", "This field is required."));
      assertError(post(REFRESH, new JsonObject().put("refresh", "")), 400, field("refresh", "This field may not be blank."));
    }
  }

  @Nested
  @DisplayName("POST /api/token/verify/")
  class Verify {

    @Test
    @DisplayName("any valid token of ours verifies with {}")
    void valid() {
      JsonObject pair = http.login("alice", "wonderland");
      for (String token : List.of(pair.getString("access"), pair.getString("refresh"))) {
        HttpResponse<Buffer> response = post(VERIFY, new JsonObject().put("token", token));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject());
      }
    }

    @Test
    @DisplayName("a token verified once (and cached) is refused as soon as it expires")
    void cachedTokenExpires() {
      int id = users.create("shortlived", "pw-short", true);
      String token = Jwts.hs256(Jwts.claims("access", id, 2), SIGNING_KEY);
      assertThat(post(VERIFY, new JsonObject().put("token", token)).statusCode()).isEqualTo(200);
      assertThat(post(VERIFY, new JsonObject().put("token", token)).statusCode()).isEqualTo(200);
      long deadline = System.nanoTime() + 6_000_000_000L;
      int status = 200;
      while (status == 200 && System.nanoTime() < deadline) {
        status = post(VERIFY, new JsonObject().put("token", token)).statusCode();
      }
      assertThat(status).as("refused after exp").isEqualTo(401);
    }

    @Test
    @DisplayName("a bad token is 401, a blacklisted one DRF's 400 quirk")
    void invalidAndBlacklisted() {
      assertError(post(VERIFY, new JsonObject().put("token", "abc.def.ghi")), 401, detail("Token is invalid or expired", "token_not_valid"));
      String refresh = http.login("alice", "wonderland").getString("refresh");
      post(BLACKLIST, new JsonObject().put("refresh", refresh));
      assertError(post(VERIFY, new JsonObject().put("token", refresh)), 400, field("non_field_errors", "Token is blacklisted"));
      assertError(post(VERIFY, new JsonObject()), 400, field("token", "This field is required."));
    }
  }

  @Nested
  @DisplayName("POST /api/token/blacklist/")
  class Blacklist {

    @Test
    @DisplayName("blacklisting answers {} once, then 401 'Token is blacklisted'")
    void once() {
      String refresh = http.login("alice", "wonderland").getString("refresh");
      HttpResponse<Buffer> first = post(BLACKLIST, new JsonObject().put("refresh", refresh));
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.bodyAsJsonObject()).isEqualTo(new JsonObject());
      assertError(post(BLACKLIST, new JsonObject().put("refresh", refresh)), 401, detail("Token is blacklisted", "token_not_valid"));
    }

    @Test
    @DisplayName("a token minted elsewhere (no row yet) is recorded and blacklisted, once")
    void foreignToken() {
      String refresh = Jwts.hs256(Jwts.claims("refresh", 1, 100), SIGNING_KEY);
      assertThat(post(BLACKLIST, new JsonObject().put("refresh", refresh)).statusCode()).isEqualTo(200);
      assertError(post(BLACKLIST, new JsonObject().put("refresh", refresh)), 401, detail("Token is blacklisted", "token_not_valid"));
      assertError(post(REFRESH, new JsonObject().put("refresh", refresh)), 401, detail("Token is blacklisted", "token_not_valid"));
    }

    @Test
    @DisplayName("an access token is 'Token has wrong type' and nothing is stored")
    void access() {
      long before = users.count("SELECT count(*) FROM tokengate_blacklisted_token");
      String access = http.login("alice", "wonderland").getString("access");
      assertError(post(BLACKLIST, new JsonObject().put("refresh", access)), 401, detail("Token has wrong type", "token_not_valid"));
      assertThat(users.count("SELECT count(*) FROM tokengate_blacklisted_token")).isEqualTo(before);
    }
  }
}
