package io.tokengate.auth;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/** Login behaviour that needs real hashing cost: no username oracle, last_login when asked. */
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
        .put("jwt", new JsonObject().put("update_last_login", true)));
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
}
