package io.tokengate.django;

import io.tokengate.server.Gateway;
import io.tokengate.support.DjangoApp;
import io.tokengate.support.DjangoSide;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.TestDatabase;
import io.tokengate.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13's acceptance against a live Django 3.2 + Simple JWT 5.2 ({@link DjangoApp}): Django and
 * tokengate side by side on one database that Django migrated, one HS256 signing key, rotation with
 * blacklist-after-rotation on both sides, tokengate with {@code jwt.simplejwt_blacklist} left at auto.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SideBySideTest {

  private static final String PASSWORD = "correct horse battery staple";
  private static final JsonObject BLACKLISTED = new JsonObject().put("detail", "Token is blacklisted").put("code", "token_not_valid");

  private TestDatabase database;
  private DjangoApp django;
  private Gateway gateway;
  private HttpTestClient atDjango;
  private HttpTestClient atTokengate;
  private int userId;

  @BeforeAll
  void start() {
    database = TestDatabase.create();
    django = DjangoApp.start(database, TestGateway.SIGNING_KEY);
    userId = django.createUser("ada", PASSWORD);
    JsonObject config = DjangoSide.gatewayConfig(database);
    config.getJsonObject("jwt").put("algorithm", "HS256").put("rotate_refresh_tokens", true).put("blacklist_after_rotation", true);
    gateway = Gateway.start(TestGateway.config(config));
    atDjango = new HttpTestClient(django.port());
    atTokengate = new HttpTestClient(gateway.port());
  }

  @AfterAll
  void stop() {
    try {
      if (atDjango != null) {
        atDjango.close();
      }
      if (atTokengate != null) {
        atTokengate.close();
      }
      if (gateway != null) {
        gateway.close();
      }
      if (django != null) {
        django.close();
      }
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  private static HttpResponse<Buffer> refresh(HttpTestClient side, String token) {
    return side.postJson("/api/token/refresh/", new JsonObject().put("refresh", token));
  }

  private static HttpResponse<Buffer> blacklist(HttpTestClient side, String token) {
    return side.postJson("/api/token/blacklist/", new JsonObject().put("refresh", token));
  }

  private static HttpResponse<Buffer> verify(HttpTestClient side, String token) {
    return side.postJson("/api/token/verify/", new JsonObject().put("token", token));
  }

  private static void assertRefused(HttpResponse<Buffer> response, String what) {
    assertThat(response.statusCode()).as(what + ": " + response.bodyAsString()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject()).as(what).isEqualTo(BLACKLISTED);
  }

  private static void assertEmptyOk(HttpResponse<Buffer> response, String what) {
    assertThat(response.statusCode()).as(what + ": " + response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).as(what).isEqualTo(new JsonObject());
  }

  /** A 200 refresh answer with a new pair; returns its refresh token. */
  private static String rotated(HttpResponse<Buffer> response, String what) {
    assertThat(response.statusCode()).as(what + ": " + response.bodyAsString()).isEqualTo(200);
    JsonObject pair = response.bodyAsJsonObject();
    assertThat(pair.fieldNames()).as(what).containsExactlyInAnyOrder("access", "refresh");
    return pair.getString("refresh");
  }

  @Test
  @DisplayName("a login at tokengate is in Django's token_blacklist_outstandingtoken, as Django's ORM reads it")
  void tokengateLoginIsOutstandingAtDjango() {
    String refresh = atTokengate.login("ada", PASSWORD).getString("refresh");
    JsonObject claims = Jwts.payload(refresh);
    assertThat(django.outstanding(claims.getString("jti"))).isEqualTo(new JsonObject()
        .put("jti", claims.getString("jti")).put("token", refresh).put("user_id", userId)
        .put("created_at", claims.getLong("iat")).put("expires_at", claims.getLong("exp")));
  }

  @Test
  @DisplayName("a refresh token blacklisted at Django (either side's) is refused by tokengate's refresh and blacklist")
  void blacklistedAtDjangoRefusedAtTokengate() {
    for (HttpTestClient issuer : new HttpTestClient[] {atTokengate, atDjango}) {
      String what = issuer == atDjango ? "minted by Django" : "minted by tokengate";
      String refresh = issuer.login("ada", PASSWORD).getString("refresh");
      assertEmptyOk(blacklist(atDjango, refresh), "blacklisted at Django, " + what);
      assertRefused(refresh(atTokengate, refresh), "refresh at tokengate, " + what);
      assertRefused(blacklist(atTokengate, refresh), "blacklist at tokengate, " + what);
    }
  }

  @Test
  @DisplayName("a refresh token blacklisted at tokengate (either side's) is refused by Django's refresh and blacklist")
  void blacklistedAtTokengateRefusedAtDjango() {
    for (HttpTestClient issuer : new HttpTestClient[] {atTokengate, atDjango}) {
      String what = issuer == atDjango ? "minted by Django" : "minted by tokengate";
      String refresh = issuer.login("ada", PASSWORD).getString("refresh");
      assertEmptyOk(blacklist(atTokengate, refresh), "blacklisted at tokengate, " + what);
      assertRefused(refresh(atDjango, refresh), "refresh at Django, " + what);
      assertRefused(blacklist(atDjango, refresh), "blacklist at Django, " + what);
    }
  }

  @Test
  @DisplayName("a refresh token rotated by tokengate is refused by Django; the successor works at Django, and Django's successor at tokengate")
  void rotationAcrossSides() {
    String first = atTokengate.login("ada", PASSWORD).getString("refresh");
    String second = rotated(refresh(atTokengate, first), "rotated at tokengate");
    assertRefused(refresh(atDjango, first), "Django refreshing the token tokengate rotated");
    String third = rotated(refresh(atDjango, second), "Django refreshing tokengate's successor");
    String fourth = rotated(refresh(atTokengate, third), "tokengate refreshing Django's successor");
    assertRefused(refresh(atTokengate, second), "tokengate refreshing the token Django rotated");
    assertThat(rotated(refresh(atDjango, fourth), "Django refreshing tokengate's successor of Django's")).isNotBlank();
  }

  @Test
  @DisplayName("an access token from either side verifies at the other")
  void accessTokensVerifyAcross() {
    assertEmptyOk(verify(atDjango, atTokengate.login("ada", PASSWORD).getString("access")), "tokengate's access token at Django");
    assertEmptyOk(verify(atTokengate, atDjango.login("ada", PASSWORD).getString("access")), "Django's access token at tokengate");
  }
}
