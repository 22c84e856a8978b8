package io.tokengate.revocation;

import io.tokengate.server.Gateway;
import io.tokengate.auth.DjangoPasswordHasher;
import io.tokengate.support.Eventually;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.Steps;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Access tokens revoked across instances through PostgreSQL notifications, checked in memory. The
 * instances announce an applied revocation by no callback, so the tests wait for it by polling with
 * a deadline ({@link Eventually}); everything else is a chain of futures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class AccessRevocationTest {

  private static final Duration SECOND = Duration.ofSeconds(1);

  private TestGateway first;
  private Gateway second;
  private HttpTestClient a;
  private HttpTestClient b;
  private Users users;
  private Vertx vertx;

  private static final JsonObject DEMO_ROUTE = new JsonObject().put("routes", new io.vertx.core.json.JsonArray()
      .add(new JsonObject().put("name", "hello").put("path", "/api/hello/").put("upstream", "demo")));

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    first = TestGateway.start(DEMO_ROUTE.copy());
    second = first.startSibling(DEMO_ROUTE.copy());
    a = new HttpTestClient(vertx, first.port());
    b = new HttpTestClient(vertx, second.port());
    users = new Users(first.database());
  }

  @AfterAll
  void stop() {
    a.close();
    b.close();
    second.close();
    first.close();
  }

  /** Waits (at most {@code millis}) until instance-local state that no callback announces holds. */
  private Future<Void> within(long millis, String what, BooleanSupplier condition) {
    return Eventually.holds(vertx, Duration.ofMillis(millis), what, condition);
  }

  private static Future<Integer> verify(HttpTestClient http, String token) {
    return http.sendJson("/api/token/verify/", new JsonObject().put("token", token)).map(response -> response.statusCode());
  }

  private static Future<JsonObject> post(HttpTestClient http, String path, String refresh) {
    return http.sendJson(path, new JsonObject().put("refresh", refresh)).map(response -> new JsonObject()
        .put("status", response.statusCode()).put("body", response.bodyAsJsonObject()));
  }

  /** SQL run as Django's admin (or a DBA) would, off the event loop. */
  private Future<Void> sql(String... statements) {
    return vertx.executeBlocking(() -> {
      try (Connection conn = first.database().connect(); Statement statement = conn.createStatement()) {
        for (String sql : statements) {
          statement.execute(sql);
        }
      }
      return null;
    });
  }

  private static Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>> hello(HttpTestClient http, String access) {
    return http.send(HttpMethod.GET, "/api/hello/", "Authorization", "Bearer " + access);
  }

  @Test
  @DisplayName("logging out on one instance revokes that session's access tokens on the other within a second")
  void logoutRevokesSession(VertxTestContext ctx) {
    users.create("ivan", "ivan-pw", true);
    AtomicReference<JsonObject> session = new AtomicReference<>();
    AtomicReference<JsonObject> other = new AtomicReference<>();
    AtomicReference<JsonObject> refreshed = new AtomicReference<>();
    Steps.inOrder(
        () -> a.loginAsync("ivan", "ivan-pw").map(pair -> { session.set(pair); return pair; }),
        () -> a.loginAsync("ivan", "ivan-pw").map(pair -> { other.set(pair); return pair; }),
        () -> post(a, "/api/token/refresh/", session.get().getString("refresh"))
            .map(answer -> { refreshed.set(answer.getJsonObject("body")); return answer; }),
        () -> verify(b, session.get().getString("access")).map(code -> assertThat(code).isEqualTo(200)),
        () -> post(a, "/api/token/blacklist/", refreshed.get().getString("refresh"))
            .map(answer -> assertThat(answer.getInteger("status")).isEqualTo(200)),
        () -> within(1000, "instance two learns of the logout",
            () -> second.revocations().check(Jwts.payload(session.get().getString("access"))) == Revocations.Verdict.REVOKED),
        // one notification per revoked token, in no particular order: wait for the second one too
        () -> within(1000, "instance two learns of the session's other access token",
            () -> second.revocations().check(Jwts.payload(refreshed.get().getString("access"))) == Revocations.Verdict.REVOKED),
        () -> verify(b, session.get().getString("access")).map(code -> {
          assertThat(code).isEqualTo(400);
          assertThat(second.revocations().check(Jwts.payload(other.get().getString("access"))))
              .as("another session of the same user").isNull();
          return code;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("deactivating, deleting or re-passwording a user in SQL revokes their tokens everywhere, with the spec's reasons")
  void userChangesInTheDatabase(VertxTestContext ctx) {
    users.create("judy", "judy-pw", true);
    users.create("karl", "karl-pw", true);
    users.create("lena", "lena-pw", true);
    AtomicReference<JsonObject> judy = new AtomicReference<>();
    AtomicReference<JsonObject> karl = new AtomicReference<>();
    AtomicReference<JsonObject> lena = new AtomicReference<>();
    long[] changedAt = new long[1];
    Steps.inOrder(
        () -> a.loginAsync("judy", "judy-pw").map(pair -> { judy.set(Jwts.payload(pair.getString("access"))); return pair; }),
        () -> a.loginAsync("karl", "karl-pw").map(pair -> { karl.set(Jwts.payload(pair.getString("access"))); return pair; }),
        () -> a.loginAsync("lena", "lena-pw").map(pair -> { lena.set(Jwts.payload(pair.getString("access"))); return pair; }),
        () -> sql("UPDATE auth_user SET is_active = false WHERE username = 'judy'",
            "DELETE FROM auth_user WHERE username = 'karl'",
            "UPDATE auth_user SET password = '" + new DjangoPasswordHasher(1000).encode("new") + "' WHERE username = 'lena'"),
        () -> within(1000, "judy inactive", () -> second.revocations().check(judy.get()) == Revocations.Verdict.USER_INACTIVE),
        () -> within(1000, "karl deleted", () -> second.revocations().check(karl.get()) == Revocations.Verdict.USER_NOT_FOUND),
        () -> within(1000, "lena re-passworded", () -> second.revocations().check(lena.get()) == Revocations.Verdict.REVOKED)
            .map(v -> changedAt[0] = System.currentTimeMillis() / 1000),
        () -> within(2000, "the clock passes the second of the change (tokens have one-second resolution)",
            () -> System.currentTimeMillis() / 1000 > changedAt[0]),
        () -> b.loginAsync("lena", "new").map(pair -> {
          assertThat(second.revocations().check(Jwts.payload(pair.getString("access")))).as("a token issued after the change").isNull();
          return pair;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("after a password change in SQL the refresh token issued before it is refused on every instance; a new login refreshes")
  void passwordChangeRefusesRefresh(VertxTestContext ctx) {
    users.create("rosa", "rosa-pw", true);
    AtomicReference<JsonObject> pair = new AtomicReference<>();
    long[] changedAt = new long[1];
    JsonObject invalid = new JsonObject().put("detail", "Token is invalid or expired").put("code", "token_not_valid");
    Steps.inOrder(
        () -> a.loginAsync("rosa", "rosa-pw").map(login -> { pair.set(login); return login; }),
        () -> sql("UPDATE auth_user SET password = '" + new DjangoPasswordHasher(1000).encode("rosa-new") + "' WHERE username = 'rosa'"),
        () -> within(1000, "instance two hears of the change",
            () -> second.revocations().check(Jwts.payload(pair.get().getString("access"))) == Revocations.Verdict.REVOKED),
        () -> post(b, "/api/token/refresh/", pair.get().getString("refresh")).map(refused -> {
          assertThat(refused.getInteger("status")).isEqualTo(401);
          return assertThat(refused.getJsonObject("body")).isEqualTo(invalid);
        }),
        () -> post(a, "/api/token/refresh/", pair.get().getString("refresh")).map(refused -> {
          assertThat(refused.getInteger("status")).isEqualTo(401);
          assertThat(refused.getJsonObject("body")).isEqualTo(invalid);
          return changedAt[0] = System.currentTimeMillis() / 1000;
        }),
        () -> within(2000, "the clock passes the second of the change", () -> System.currentTimeMillis() / 1000 > changedAt[0]),
        () -> b.loginAsync("rosa", "rosa-new")
            .compose(login -> post(a, "/api/token/refresh/", login.getString("refresh")))
            .map(refreshed -> assertThat(refreshed.getInteger("status")).isEqualTo(200)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a protected route refuses a logged-out token on the other instance within a second, and says why for users")
  void protectedRoutes(VertxTestContext ctx) {
    users.create("olga", "olga-pw", true);
    users.create("pete", "pete-pw", true);
    users.create("quin", "quin-pw", true);
    AtomicReference<JsonObject> olga = new AtomicReference<>();
    AtomicReference<String> pete = new AtomicReference<>();
    AtomicReference<String> quin = new AtomicReference<>();
    long[] started = new long[1];
    Steps.inOrder(
        () -> a.loginAsync("olga", "olga-pw").map(pair -> { olga.set(pair); return pair; }),
        () -> a.loginAsync("pete", "pete-pw").map(pair -> { pete.set(pair.getString("access")); return pair; }),
        () -> a.loginAsync("quin", "quin-pw").map(pair -> { quin.set(pair.getString("access")); return pair; }),
        () -> hello(b, olga.get().getString("access")).map(response -> assertThat(response.statusCode()).isEqualTo(200)),
        () -> post(a, "/api/token/blacklist/", olga.get().getString("refresh")).map(answer -> started[0] = System.nanoTime()),
        () -> Eventually.poll(vertx, SECOND, "instance two refuses the logged-out access token",
            () -> hello(b, olga.get().getString("access")).map(response -> response.statusCode() == 401)),
        () -> hello(b, olga.get().getString("access")).map(response -> {
          assertThat((System.nanoTime() - started[0]) / 1_000_000).isLessThan(1000);
          return assertThat(response.bodyAsJsonObject().getJsonArray("messages").getJsonObject(0).getString("message"))
              .isEqualTo("Token is blacklisted");
        }),
        () -> sql("UPDATE auth_user SET is_active = false WHERE username = 'pete'", "DELETE FROM auth_user WHERE username = 'quin'"),
        () -> Eventually.poll(vertx, SECOND, "pete inactive", () -> hello(b, pete.get()).map(response -> response.statusCode() == 401)),
        () -> hello(b, pete.get()).map(response -> assertThat(response.bodyAsJsonObject())
            .isEqualTo(new JsonObject().put("detail", "User is inactive").put("code", "user_inactive"))),
        () -> Eventually.poll(vertx, SECOND, "quin deleted", () -> hello(b, quin.get()).map(response -> response.statusCode() == 401)),
        () -> hello(b, quin.get()).map(response -> assertThat(response.bodyAsJsonObject())
            .isEqualTo(new JsonObject().put("detail", "User not found").put("code", "user_not_found"))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("re-hashing a password on login (Django's upgrade) is not a password change")
  void hashUpgradeRevokesNothing(VertxTestContext ctx) {
    users.insert("mona", new DjangoPasswordHasher(500).encode("mona-pw"), true, null);
    AtomicReference<JsonObject> before = new AtomicReference<>();
    Steps.inOrder(
        () -> a.loginAsync("mona", "mona-pw").map(pair -> { before.set(Jwts.payload(pair.getString("access"))); return pair; }),
        () -> {
          assertThat(users.passwordOf("mona")).startsWith("pbkdf2_sha256$1000$");
          return a.loginAsync("mona", "mona-pw");
        },
        () -> vertx.executeBlocking(() -> users.count(
            "SELECT count(*) FROM tokengate_revocation r JOIN auth_user u ON r.value = u.id::text WHERE u.username = 'mona'"))
            .map(count -> {
              assertThat(count).isZero();
              assertThat(first.gateway().revocations().check(before.get())).isNull();
              return count;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("reusing a rotated refresh token revokes the session's access tokens too; a new instance loads revocations at start")
  void reuseAndLoadAtStart(VertxTestContext ctx) {
    users.create("nick", "nick-pw", true);
    AtomicReference<JsonObject> session = new AtomicReference<>();
    Steps.inOrder(
        () -> a.loginAsync("nick", "nick-pw").map(pair -> { session.set(pair); return pair; }),
        () -> post(a, "/api/token/refresh/", session.get().getString("refresh")),
        () -> post(b, "/api/token/refresh/", session.get().getString("refresh"))
            .map(answer -> assertThat(answer.getInteger("status")).isEqualTo(401)),
        () -> within(1000, "reuse revoked the access token",
            () -> first.gateway().revocations().check(Jwts.payload(session.get().getString("access"))) == Revocations.Verdict.REVOKED),
        // a third instance starts as a process would (blocking: JDBC, migrations), on a thread of its own
        () -> Future.fromCompletionStage(CompletableFuture.supplyAsync(() -> {
          try (Gateway third = first.startSibling(new JsonObject())) {
            return third.revocations().check(Jwts.payload(session.get().getString("access")));
          }
        })).map(verdict -> assertThat(verdict).isEqualTo(Revocations.Verdict.REVOKED)))
        .onComplete(ctx.succeedingThenComplete());
  }
}
