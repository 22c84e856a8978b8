package io.tokengate.users;

import io.tokengate.server.Gateway;
import io.tokengate.auth.DjangoPasswordHasher;
import io.tokengate.cli.TokengateCommand;
import io.tokengate.support.DjangoSide;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.Poll;
import io.tokengate.support.TestDatabase;
import io.tokengate.support.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tokengate migrate --django-triggers} on a Django database: a password change or a
 * deactivation made by Django revokes the user's access tokens at once on every instance and their
 * refresh tokens at the next use, as on a database tokengate manages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DjangoTriggersTest {

  private TestDatabase database;
  private DjangoSide django;
  private Gateway first;
  private Gateway second;
  private HttpTestClient a;
  private HttpTestClient b;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    database = TestDatabase.create();
    django = DjangoSide.migrate(database);
    Path config = DjangoSide.configFile(dir, database);
    assertThat(TokengateCommand.commandLine().execute("migrate", "--django-triggers", "--config", config.toString())).isZero();
    assertThat(TokengateCommand.commandLine().execute("migrate", "--django-triggers", "--config", config.toString()))
        .as("idempotent").isZero();
    first = Gateway.start(TestGateway.config(DjangoSide.gatewayConfig(database)));
    second = Gateway.start(TestGateway.config(DjangoSide.gatewayConfig(database)));
    a = new HttpTestClient(first.port());
    b = new HttpTestClient(second.port());
  }

  @AfterAll
  void stop() {
    a.close();
    b.close();
    second.close();
    first.close();
    database.close();
  }

  private int verify(HttpTestClient http, String token) {
    return http.postJson("/api/token/verify/", new JsonObject().put("token", token)).statusCode();
  }

  private JsonObject refresh(HttpTestClient http, String token) {
    var response = http.postJson("/api/token/refresh/", new JsonObject().put("refresh", token));
    return new JsonObject().put("status", response.statusCode()).put("body", response.bodyAsJsonObject());
  }

  @Test
  @DisplayName("the trigger is the only change to Django's schema: auth_user's columns are as Django made them")
  void onlyTheTrigger() {
    assertThat(django.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'auth_user'::regclass AND NOT tgisinternal")).isEqualTo(1);
    assertThat(django.count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'auth_user' AND column_default IS NOT NULL"
        + " AND column_name <> 'id'")).isZero();
  }

  @Test
  @DisplayName("a password changed by Django revokes the access token on every instance at once, and the refresh token")
  void passwordChange() {
    django.createUser("xena");
    JsonObject pair = a.login("xena", DjangoSide.PASSWORD);
    assertThat(verify(b, pair.getString("access"))).isEqualTo(200);
    django.setPasswordHash("xena", new DjangoPasswordHasher(1000).encode("another password"));
    Poll.until(Duration.ofSeconds(2), "instance two hears of the change", () -> verify(b, pair.getString("access")) == 400);
    assertThat(verify(a, pair.getString("access"))).isEqualTo(400);
    assertThat(refresh(b, pair.getString("refresh"))).isEqualTo(new JsonObject().put("status", 401)
        .put("body", new JsonObject().put("detail", "Token is invalid or expired").put("code", "token_not_valid")));
  }

  @Test
  @DisplayName("a user deactivated by Django: access token refused at once; refresh refused even after reactivation")
  void deactivation() {
    django.createUser("yuri");
    JsonObject pair = a.login("yuri", DjangoSide.PASSWORD);
    django.setActive("yuri", false);
    Poll.until(Duration.ofSeconds(2), "instance two hears of it",
        () -> second.revocations().check(Jwts.payload(pair.getString("access"))) != null);
    django.setActive("yuri", true);
    assertThat(refresh(b, pair.getString("refresh")).getInteger("status")).isEqualTo(401);
  }
}
