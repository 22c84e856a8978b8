package io.tokengate.auth;

import io.tokengate.server.Gateway;
import io.tokengate.cli.TokengateCommand;
import io.tokengate.db.StartupException;
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
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * tokengate and a Django + Simple JWT app on one database, sharing Simple JWT's blacklist tables
 * ({@code jwt.simplejwt_blacklist: auto}); Django's side is the SQL its ORM issues ({@link DjangoSide}).
 * No users-table trigger is installed here: a password change is caught by the refresh path alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimpleJwtSharingTest {

  private TestDatabase database;
  private DjangoSide django;
  private Gateway gateway;
  private HttpTestClient http;

  @BeforeAll
  void start() {
    database = TestDatabase.create();
    django = DjangoSide.migrate(database);
    gateway = Gateway.start(TestGateway.config(DjangoSide.gatewayConfig(database)));
    http = new HttpTestClient(gateway.port());
  }

  @AfterAll
  void stop() {
    http.close();
    gateway.close();
    database.close();
  }

  private HttpResponse<Buffer> refresh(String token) {
    return http.postJson("/api/token/refresh/", new JsonObject().put("refresh", token));
  }

  private HttpResponse<Buffer> blacklist(String token) {
    return http.postJson("/api/token/blacklist/", new JsonObject().put("refresh", token));
  }

  private static final JsonObject BLACKLISTED = new JsonObject().put("detail", "Token is blacklisted").put("code", "token_not_valid");

  @Test
  @DisplayName("a login at tokengate is an outstanding token in Simple JWT's table, as for_user writes it")
  void loginIsOutstanding() {
    int id = django.createUser("olga");
    String refresh = http.login("olga", DjangoSide.PASSWORD).getString("refresh");
    JsonObject claims = Jwts.payload(refresh);
    JsonObject row = django.outstanding(claims.getString("jti"));
    assertThat(row).isEqualTo(new JsonObject().put("token", refresh).put("user_id", id)
        .put("created_at", claims.getLong("iat")).put("expires_at", claims.getLong("exp")));
    assertThat(django.isBlacklisted(refresh)).isFalse();
  }

  @Test
  @DisplayName("a token blacklisted by Django (logout) is refused at tokengate at once: refresh, blacklist and verify")
  void djangoLogoutHonoured() {
    django.createUser("pia");
    String refresh = http.login("pia", DjangoSide.PASSWORD).getString("refresh");
    django.blacklist(refresh);
    HttpResponse<Buffer> refused = refresh(refresh);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.bodyAsJsonObject()).isEqualTo(BLACKLISTED);
    assertThat(blacklist(refresh).bodyAsJsonObject()).isEqualTo(BLACKLISTED);
    assertThat(http.postJson("/api/token/verify/", new JsonObject().put("token", refresh)).statusCode()).isEqualTo(400);
    assertThat(django.count("SELECT count(*) FROM token_blacklist_outstandingtoken WHERE jti = ?", Jwts.payload(refresh).getString("jti")))
        .as("no second outstanding row").isEqualTo(1);
  }

  @Test
  @DisplayName("a token blacklisted at tokengate is blacklisted for Django")
  void tokengateLogoutSeenByDjango() {
    django.createUser("quentin");
    String refresh = http.login("quentin", DjangoSide.PASSWORD).getString("refresh");
    assertThat(blacklist(refresh).statusCode()).isEqualTo(200);
    assertThat(django.isBlacklisted(refresh)).isTrue();
  }

  @Test
  @DisplayName("a token rotated at tokengate is refused by Django; its successor is outstanding and not blacklisted there")
  void rotationSeenByDjango() {
    int id = django.createUser("rita");
    String first = http.login("rita", DjangoSide.PASSWORD).getString("refresh");
    HttpResponse<Buffer> rotated = refresh(first);
    assertThat(rotated.statusCode()).isEqualTo(200);
    String second = rotated.bodyAsJsonObject().getString("refresh");
    assertThat(django.isBlacklisted(first)).isTrue();
    assertThat(django.isBlacklisted(second)).isFalse();
    JsonObject row = django.outstanding(Jwts.payload(second).getString("jti"));
    assertThat(row.getString("token")).isEqualTo(second);
    assertThat(row.getInteger("user_id")).isEqualTo(id);
    assertThat(Jwts.signatureValid(second, TestGateway.SIGNING_KEY)).as("Django verifies it with the shared key").isTrue();
  }

  @Test
  @DisplayName("reusing a rotated token at tokengate blacklists its successors in Django's table too")
  void reuseSeenByDjango() {
    django.createUser("sven");
    String first = http.login("sven", DjangoSide.PASSWORD).getString("refresh");
    String second = refresh(first).bodyAsJsonObject().getString("refresh");
    assertThat(refresh(first).statusCode()).isEqualTo(401);
    assertThat(django.isBlacklisted(second)).isTrue();
    assertThat(refresh(second).bodyAsJsonObject()).isEqualTo(BLACKLISTED);
  }

  @Test
  @DisplayName("a token minted and rotated by Django is refused at tokengate; one Django minted refreshes here and is blacklisted for Django")
  void djangoMintedTokens() {
    int id = django.createUser("tara");
    String rotatedByDjango = Jwts.hs256(Jwts.claims("refresh", id, 3600), TestGateway.SIGNING_KEY);
    django.forUser(id, rotatedByDjango);
    django.blacklist(rotatedByDjango);
    assertThat(refresh(rotatedByDjango).bodyAsJsonObject()).isEqualTo(BLACKLISTED);

    String fresh = Jwts.hs256(Jwts.claims("refresh", id, 3600), TestGateway.SIGNING_KEY);
    django.forUser(id, fresh);
    HttpResponse<Buffer> response = refresh(fresh);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(django.isBlacklisted(fresh)).as("blacklisted after rotation, for Django too").isTrue();
    assertThat(django.isBlacklisted(response.bodyAsJsonObject().getString("refresh"))).isFalse();
  }

  @Test
  @DisplayName("a password changed by Django (no trigger installed) refuses the refresh tokens issued before it; a new login works")
  void passwordChangeRefusesRefresh() {
    django.createUser("ulf");
    String before = http.login("ulf", DjangoSide.PASSWORD).getString("refresh");
    django.setPasswordHash("ulf", new DjangoPasswordHasher(1000).encode("a new password"));
    HttpResponse<Buffer> refused = refresh(before);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "Token is invalid or expired").put("code", "token_not_valid"));
    assertThat(django.isBlacklisted(before)).as("a refused refresh changes nothing").isFalse();
    String after = http.login("ulf", "a new password").getString("refresh");
    assertThat(refresh(after).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("tokengate's own re-hash at login (more iterations configured) is not a password change")
  void ownRehashKeepsRefreshTokens() {
    django.createUser("vera");
    django.setPasswordHash("vera", new DjangoPasswordHasher(500).encode(DjangoSide.PASSWORD));
    String before = http.login("vera", DjangoSide.PASSWORD).getString("refresh");
    String afterUpgrade = http.login("vera", DjangoSide.PASSWORD).getString("refresh");
    assertThat(django.count("SELECT count(*) FROM auth_user WHERE username = 'vera' AND password LIKE 'pbkdf2_sha256$1000$%'")).isEqualTo(1);
    assertThat(refresh(before).statusCode()).isEqualTo(200);
    assertThat(refresh(afterUpgrade).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("tokens revoke-user blacklists the user's refresh tokens in Django's table too, Django-minted ones included")
  void revokeUserCommand(@TempDir Path dir) throws Exception {
    int id = django.createUser("xavier");
    String ours = http.login("xavier", DjangoSide.PASSWORD).getString("refresh");
    String theirs = Jwts.hs256(Jwts.claims("refresh", id, 3600), TestGateway.SIGNING_KEY);
    django.forUser(id, theirs);
    Path config = DjangoSide.configFile(dir, database);
    assertThat(TokengateCommand.commandLine().execute("tokens", "revoke-user", "xavier", "--config", config.toString())).isZero();
    assertThat(django.isBlacklisted(ours)).isTrue();
    assertThat(django.isBlacklisted(theirs)).isTrue();
    assertThat(refresh(ours).bodyAsJsonObject()).isEqualTo(BLACKLISTED);
  }

  @Test
  @DisplayName("simplejwt_blacklist: on without Simple JWT's tables stops start-up naming the key; off leaves Django's tables alone")
  void settingOnAndOff() {
    assertThatThrownBy(() -> TestGateway.start(new JsonObject().put("jwt", new JsonObject().put("simplejwt_blacklist", "on"))).close())
        .isInstanceOf(StartupException.class).hasMessageContaining("jwt.simplejwt_blacklist");
    JsonObject off = DjangoSide.gatewayConfig(database);
    off.getJsonObject("jwt").put("simplejwt_blacklist", "off");
    try (Gateway other = Gateway.start(TestGateway.config(off)); HttpTestClient client = new HttpTestClient(other.port())) {
      django.createUser("wim");
      String refresh = client.login("wim", DjangoSide.PASSWORD).getString("refresh");
      assertThat(django.outstanding(Jwts.payload(refresh).getString("jti"))).isNull();
    }
  }
}
