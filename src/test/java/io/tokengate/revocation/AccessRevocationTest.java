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

  private static final JsonObject DEMO_ROUTE = new JsonObject().put("routes", new io.vertx.core.json.JsonArray()
      .add(new JsonObject().put("name", "hello").put("path", "/api/hello/").put("upstream", "demo")));

  @BeforeAll
  void start() {
    first = TestGateway.start(DEMO_ROUTE.copy());
    second = first.startSibling(DEMO_ROUTE.copy());
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
    // one notification per revoked token, in no particular order: wait for the second one too
    within(1000, "instance two learns of the session's other access token",
        () -> second.revocations().check(Jwts.payload(refreshed.getString("access"))) == Revocations.Verdict.REVOKED);
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
  @DisplayName("after a password change in SQL the refresh token issued before it is refused on every instance; a new login refreshes")
  void passwordChangeRefusesRefresh() throws Exception {
    users.create("rosa", "rosa-pw", true);
    JsonObject pair = a.login("rosa", "rosa-pw");
    try (Connection conn = first.database().connect()) {
      conn.createStatement().execute("UPDATE auth_user SET password = '" + new DjangoPasswordHasher(1000).encode("rosa-new") + "' WHERE username = 'rosa'");
    }
    JsonObject claims = Jwts.payload(pair.getString("access"));
    within(1000, "instance two hears of the change", () -> second.revocations().check(claims) == Revocations.Verdict.REVOKED);
    for (HttpTestClient http : new HttpTestClient[] {b, a}) {
      var refused = http.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh")));
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "Token is invalid or expired").put("code", "token_not_valid"));
    }
    long changedAt = System.currentTimeMillis() / 1000;
    within(2000, "the clock passes the second of the change", () -> System.currentTimeMillis() / 1000 > changedAt);
    String fresh = b.login("rosa", "rosa-new").getString("refresh");
    assertThat(a.postJson("/api/token/refresh/", new JsonObject().put("refresh", fresh)).statusCode()).isEqualTo(200);
  }

  private io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> hello(HttpTestClient http, String access) {
    return http.get("/api/hello/", access);
  }

  @Test
  @DisplayName("a protected route refuses a logged-out token on the other instance within a second, and says why for users")
  void protectedRoutes() throws Exception {
    users.create("olga", "olga-pw", true);
    users.create("pete", "pete-pw", true);
    users.create("quin", "quin-pw", true);
    JsonObject olga = a.login("olga", "olga-pw");
    String pete = a.login("pete", "pete-pw").getString("access");
    String quin = a.login("quin", "quin-pw").getString("access");
    assertThat(hello(b, olga.getString("access")).statusCode()).isEqualTo(200);

    a.postJson("/api/token/blacklist/", new JsonObject().put("refresh", olga.getString("refresh")));
    long started = System.nanoTime();
    within(1000, "instance two refuses the logged-out access token", () -> hello(b, olga.getString("access")).statusCode() == 401);
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(1000);
    assertThat(hello(b, olga.getString("access")).bodyAsJsonObject().getJsonArray("messages").getJsonObject(0).getString("message"))
        .isEqualTo("Token is blacklisted");

    try (Connection conn = first.database().connect()) {
      conn.createStatement().execute("UPDATE auth_user SET is_active = false WHERE username = 'pete'");
      conn.createStatement().execute("DELETE FROM auth_user WHERE username = 'quin'");
    }
    within(1000, "pete inactive", () -> hello(b, pete).statusCode() == 401);
    assertThat(hello(b, pete).bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "User is inactive").put("code", "user_inactive"));
    within(1000, "quin deleted", () -> hello(b, quin).statusCode() == 401);
    assertThat(hello(b, quin).bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "User not found").put("code", "user_not_found"));
  }

  @Test
  @DisplayName("re-hashing a password on login (Django's upgrade) is not a password change")
  void hashUpgradeRevokesNothing() {
    users.insert("mona", new DjangoPasswordHasher(500).encode("mona-pw"), true, null);
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
