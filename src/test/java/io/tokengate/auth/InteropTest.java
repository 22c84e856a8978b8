package io.tokengate.auth;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.tokengate.support.Vectors;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interoperability with a real Django + Simple JWT deployment sharing the signing key: tokens and
 * password hashes made by Django (src/test/resources/django-simplejwt.json) work here, and ours
 * have the same shape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InteropTest {

  private final JsonObject vectors = Vectors.tokens();
  private TestGateway gateway;
  private HttpTestClient http;
  private Users users;

  @BeforeAll
  void start() {
    gateway = TestGateway.start(new JsonObject().put("jwt", new JsonObject().put("signing_key", vectors.getString("signing_key"))));
    http = new HttpTestClient(gateway.port());
    users = new Users(gateway.database());
    users.insert("django-user", "pbkdf2_sha256$260000$1dUjHhMD2sRpslV9vhPeQu$MADr6+vEvsI7pJGl7kBuHIUjwvyc80V72tlgSWyvA6s=", true, 4);
  }

  @AfterAll
  void stop() {
    http.close();
    gateway.close();
  }

  @Test
  @DisplayName("Simple JWT's access token verifies; its expired one does not")
  void simpleJwtTokensVerify() {
    HttpResponse<Buffer> response = http.postJson("/api/token/verify/",
        new JsonObject().put("token", vectors.getString("access_valid_until_2100")));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    HttpResponse<Buffer> expired = http.postJson("/api/token/verify/", new JsonObject().put("token", vectors.getString("access_expired_2020")));
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(expired.bodyAsJsonObject().getString("detail")).isEqualTo("Token is invalid or expired");
  }

  @Test
  @DisplayName("a refresh token minted by Simple JWT verifies and refreshes here, for the same user, once")
  void simpleJwtRefresh() {
    String theirs = vectors.getString("refresh_valid_until_2100");
    assertThat(http.postJson("/api/token/verify/", new JsonObject().put("token", theirs)).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> response = http.postJson("/api/token/refresh/",
        new JsonObject().put("refresh", vectors.getString("refresh_valid_until_2100")));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject access = Jwts.payload(response.bodyAsJsonObject().getString("access"));
    assertThat(access.getValue("user_id")).isEqualTo(4);
    assertThat(access.getString("token_type")).isEqualTo("access");
    assertThat(http.postJson("/api/token/refresh/", new JsonObject().put("refresh", theirs)).statusCode())
        .as("rotated: Simple JWT's token is now blacklisted here").isEqualTo(401);
  }

  @Test
  @DisplayName("a Django password hash logs in; one with more iterations than configured is kept, never re-hashed down")
  void djangoHashLogin() {
    String stored = users.passwordOf("django-user");
    JsonObject pair = http.login("django-user", "wonderland-42");
    assertThat(Jwts.payload(pair.getString("access")).getValue("user_id")).isEqualTo(4);
    assertThat(users.passwordOf("django-user")).as("260,000 > the configured 1,000").isEqualTo(stored);
    http.login("django-user", "wonderland-42");
  }

  @Test
  @DisplayName("our tokens have Simple JWT's alg and typ (plus a kid), its claim names and claim types, and its signature")
  void sameShape() {
    users.create("shape", "shape-pw", true);
    JsonObject pair = http.login("shape", "shape-pw");
    JsonObject theirs = vectors.getJsonObject("payloads");
    for (String type : new String[] {"access", "refresh"}) {
      String ours = pair.getString(type);
      String reference = vectors.getString(type + "_valid_until_2100");
      JsonObject ourHeader = Jwts.header(ours);
      JsonObject theirHeader = Jwts.header(reference);
      assertThat(new ArrayList<>(ourHeader.fieldNames())).containsExactly("alg", "typ", "kid");
      assertThat(ourHeader.getString("alg")).isEqualTo(theirHeader.getString("alg"));
      assertThat(ourHeader.getString("typ")).isEqualTo(theirHeader.getString("typ"));
      assertThat(theirHeader.containsKey("kid")).as("Simple JWT sets no kid").isFalse();
      assertThat(ourHeader.getString("kid")).matches("[A-Za-z0-9_-]{43}");
      JsonObject ourClaims = Jwts.payload(ours);
      JsonObject theirClaims = theirs.getJsonObject(type);
      assertThat(new ArrayList<>(ourClaims.fieldNames())).isEqualTo(new ArrayList<>(theirClaims.fieldNames()));
      for (String claim : theirClaims.fieldNames()) {
        Object theirValue = theirClaims.getValue(claim);
        assertThat(ourClaims.getValue(claim)).as(claim).isInstanceOf(theirValue instanceof Number ? Number.class : theirValue.getClass());
      }
      assertThat(Jwts.signatureValid(ours, vectors.getString("signing_key"))).isTrue();
    }
  }
}
