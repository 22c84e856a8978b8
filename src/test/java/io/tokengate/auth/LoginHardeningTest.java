package io.tokengate.auth;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Login behaviour that needs real hashing cost: no username oracle, last_login when asked, a bounded hashing queue. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginHardeningTest {

  private static final int ITERATIONS = 150_000;
  private TestGateway gateway;
  private HttpTestClient http;
  private Users users;

  @BeforeAll
  void start() {
    gateway = TestGateway.start(new JsonObject()
        .put("users", new JsonObject().put("password_iterations", ITERATIONS).put("hashing_threads", 1))
        .put("jwt", new JsonObject().put("update_last_login", true))
        .put("login_throttle", new JsonObject().put("max_queued_logins", 2)));
    http = new HttpTestClient(gateway.port());
    users = new Users(gateway.database());
    users.insert("erin", new DjangoPasswordHasher(ITERATIONS).encode("erin-pw"), true, null);
    http.login("erin", "erin-pw");
  }

  @AfterAll
  void stop() {
    http.close();
    gateway.close();
  }

  private long millis(String username, String password) {
    long start = System.nanoTime();
    int status = http.postJson("/api/token/", new JsonObject().put("username", username).put("password", password)).statusCode();
    assertThat(status).isEqualTo(401);
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  @DisplayName("an unknown username costs the same hashing work as a wrong password (no username oracle)")
  void unknownUserCostsTheSame() {
    long known = Long.MAX_VALUE;
    long unknown = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      known = Math.min(known, millis("erin", "wrong-password"));
      unknown = Math.min(unknown, millis("nobody-" + i, "wrong-password"));
    }
    assertThat(known).as("a wrong password is hashed").isGreaterThan(15);
    assertThat((double) unknown).as("unknown %d ms vs known %d ms", unknown, known).isGreaterThan(known * 0.6);
  }

  @Test
  @DisplayName("with update_last_login, a login records the time")
  void lastLogin() {
    assertThat(users.queryString("SELECT last_login IS NOT NULL FROM auth_user WHERE username = ?", "erin")).isEqualTo("t");
  }

  @Test
  @DisplayName("a full hashing queue answers 503 JSON with Retry-After, records nothing for those attempts, and recovers")
  void fullHashingQueue() {
    try (HttpTestClient parallel = new HttpTestClient(gateway.port(), 12)) {
      List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        sent.add(parallel.client().post("/api/token/")
            .sendJsonObject(new JsonObject().put("username", "queued-" + i).put("password", "wrong")));
      }
      Future.join(sent).await();
      List<HttpResponse<Buffer>> busy = sent.stream().map(Future::result).filter(r -> r.statusCode() == 503).toList();
      long hashed = sent.stream().filter(f -> f.result().statusCode() == 401).count();
      assertThat(busy).as("some attempts find the queue full").isNotEmpty();
      assertThat(hashed + busy.size()).as("every answer is 401 or 503").isEqualTo(12);
      assertThat(hashed).isGreaterThanOrEqualTo(2);
      HttpResponse<Buffer> first = busy.get(0);
      assertThat(first.getHeader("Retry-After")).isEqualTo("1");
      assertThat(first.getHeader("Content-Type")).startsWith("application/json");
      assertThat(first.bodyAsJsonObject()).isEqualTo(new JsonObject()
          .put("detail", "Too many logins in progress, try again shortly.").put("code", "login_busy"));
      assertThat(users.count("SELECT count(*) FROM tokengate_login_failure WHERE username LIKE 'queued-%'"))
          .as("a refused attempt changes no stored state").isEqualTo(hashed);
    }
    http.login("erin", "erin-pw");
  }
}
