package io.tokengate.revocation;

import io.tokengate.Gateway;
import io.tokengate.auth.DjangoPasswordHasher;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Access tokens revoked across instances through PostgreSQL notifications, checked in memory. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessRevocationTest {

  private TestGateway first;
  private Gateway second;
  private HttpTestClient a;
  private HttpTestClient b;
  private Users users;

  @BeforeAll
  void start() {
    first = TestGateway.start(new JsonObject());
    second = first.startSibling(new JsonObject());
    a = new HttpTestClient(first.port());
    b = new HttpTestClient(second.port());
    users = new Users(first.database());
  }

  @AfterAll
  void stop() {
    a.close();
    b.close();
    second.close();
    first.close();
  }

  private static void within(long millis, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + millis + " ms: " + what);
      }
      Thread.onSpinWait();
    }
  }

  private int verify(HttpTestClient http, String token) {
    return http.postJson("/api/token/verify/", new JsonObject().put("token", token)).statusCode();
  }

  @Test
  @DisplayName("logging out on one instance revokes that session's access tokens on the other within a second")
  void logoutRevokesSession() {
    users.create("ivan", "ivan-pw", true);
    JsonObject session = a.login("ivan", "ivan-pw");
    JsonObject other = a.login("ivan", "ivan-pw");
    JsonObject refreshed = a.postJson("/api/token/refresh/", new JsonObject().put("refresh", session.getString("refresh"))).bodyAsJsonObject();
    assertThat(verify(b, session.getString("access"))).isEqualTo(200);

    assertThat(a.postJson("/api/token/blacklist/", new JsonObject().put("refresh", refreshed.getString("refresh"))).statusCode()).isEqualTo(200);
    JsonObject claims = Jwts.payload(session.getString("access"));
    within(1000, "instance two learns of the logout", () -> second.revocations().check(claims) == Revocations.Verdict.REVOKED);
    assertThat(second.revocations().check(Jwts.payload(refreshed.getString("access")))).isEqualTo(Revocations.Verdict.REVOKED);
    assertThat(verify(b, session.getString("access"))).isEqualTo(400);
    assertThat(second.revocations().check(Jwts.payload(other.getString("access")))).as("another session of the same user").isNull();
  }

  @Test
  @DisplayName("deactivating, deleting or re-passwording a user in SQL revokes their tokens everywhere, with the spec's reasons")
  void userChangesInTheDatabase() throws Exception {
    users.create("judy", "judy-pw", true);
    users.create("karl", "karl-pw", true);
    users.create("lena", "lena-pw", true);
    JsonObject judy = Jwts.payload(a.login("judy", "judy-pw").getString("access"));
    JsonObject karl = Jwts.payload(a.login("karl", "karl-pw").getString("access"));
    JsonObject lena = Jwts.payload(a.login("lena", "lena-pw").getString("access"));
    try (Connection conn = first.database().connect()) {
      conn.createStatement().execute("UPDATE auth_user SET is_active = false WHERE username = 'judy'");
      conn.createStatement().execute("DELETE FROM auth_user WHERE username = 'karl'");
      conn.createStatement().execute("UPDATE auth_user SET password = '" + new DjangoPasswordHasher(1000).encode("new") + "' WHERE username = 'lena'");
    }
    within(1000, "judy inactive", () -> second.revocations().check(judy) == Revocations.Verdict.USER_INACTIVE);
    within(1000, "karl deleted", () -> second.revocations().check(karl) == Revocations.Verdict.USER_NOT_FOUND);
    within(1000, "lena re-passworded", () -> second.revocations().check(lena) == Revocations.Verdict.REVOKED);
    long changedAt = System.currentTimeMillis() / 1000;
    within(2000, "the clock passes the second of the change (tokens have one-second resolution)",
        () -> System.currentTimeMillis() / 1000 > changedAt);
    JsonObject fresh = Jwts.payload(b.login("lena", "new").getString("access"));
    assertThat(second.revocations().check(fresh)).as("a token issued after the change").isNull();
  }

  @Test
  @DisplayName("re-hashing a password on login (Django's upgrade) is not a password change")
  void hashUpgradeRevokesNothing() {
    users.insert("mona", new DjangoPasswordHasher(2000).encode("mona-pw"), true, null);
    JsonObject before = Jwts.payload(a.login("mona", "mona-pw").getString("access"));
    assertThat(users.passwordOf("mona")).startsWith("pbkdf2_sha256$1000$");
    a.login("mona", "mona-pw");
    assertThat(users.count("SELECT count(*) FROM tokengate_revocation r JOIN auth_user u ON r.value = u.id::text WHERE u.username = 'mona'"))
        .isZero();
    assertThat(first.gateway().revocations().check(before)).isNull();
  }

  @Test
  @DisplayName("reusing a rotated refresh token revokes the session's access tokens too; a new instance loads revocations at start")
  void reuseAndLoadAtStart() {
    users.create("nick", "nick-pw", true);
    JsonObject session = a.login("nick", "nick-pw");
    a.postJson("/api/token/refresh/", new JsonObject().put("refresh", session.getString("refresh")));
    assertThat(b.postJson("/api/token/refresh/", new JsonObject().put("refresh", session.getString("refresh"))).statusCode()).isEqualTo(401);
    JsonObject claims = Jwts.payload(session.getString("access"));
    within(1000, "reuse revoked the access token", () -> first.gateway().revocations().check(claims) == Revocations.Verdict.REVOKED);
    try (Gateway third = first.startSibling(new JsonObject())) {
      assertThat(third.revocations().check(claims)).isEqualTo(Revocations.Verdict.REVOKED);
    }
  }
}
