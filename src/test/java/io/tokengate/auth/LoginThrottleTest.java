package io.tokengate.auth;

import io.tokengate.Gateway;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/** Brute-force protection: failed logins counted per username and per client, in PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginThrottleTest {

  private static final int ITERATIONS = 200_000;
  private TestGateway gateway;
  private Gateway sibling;
  private HttpTestClient a;
  private HttpTestClient b;
  private Users users;

  @BeforeAll
  void start() {
    JsonObject config = new JsonObject()
        .put("users", new JsonObject().put("password_iterations", ITERATIONS))
        .put("http", new JsonObject().put("trusted_proxies", new JsonArray().add("127.0.0.1")))
        .put("login_throttle", new JsonObject().put("username_limit", 3).put("client_limit", 6).put("window", "PT10M"));
    gateway = TestGateway.start(config);
    sibling = gateway.startSibling(config);
    a = new HttpTestClient(gateway.port());
    b = new HttpTestClient(sibling.port());
    users = new Users(gateway.database());
    for (String name : new String[] {"frank", "grace", "heidi"}) {
      users.insert(name, new DjangoPasswordHasher(ITERATIONS).encode(name + "-pw"), true, null);
    }
  }

  @AfterAll
  void stop() {
    a.close();
    b.close();
    sibling.close();
    gateway.close();
  }

  private static HttpResponse<Buffer> login(HttpTestClient http, String username, String password, String forwardedFor) {
    var request = http.client().post("/api/token/");
    if (forwardedFor != null) {
      request.putHeader("X-Forwarded-For", forwardedFor);
    }
    return request.sendJsonObject(new JsonObject().put("username", username).put("password", password)).await();
  }

  @Test
  @DisplayName("past the username limit, another instance answers 429 with Retry-After, even to the right password, without hashing")
  void usernameLimitAcrossInstances() {
    for (int i = 0; i < 3; i++) {
      assertThat(login(a, "frank", "wrong", "10.0.0." + i).statusCode()).isEqualTo(401);
    }
    long started = System.nanoTime();
    HttpResponse<Buffer> throttled = login(b, "frank", "frank-pw", "10.0.0.99");
    long throttledMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(throttled.statusCode()).isEqualTo(429);
    long retryAfter = Long.parseLong(throttled.getHeader("Retry-After"));
    assertThat(retryAfter).isBetween(590L, 600L);
    assertThat(throttled.bodyAsJsonObject()).isEqualTo(new JsonObject()
        .put("detail", "Request was throttled. Expected available in " + retryAfter + " seconds.")
        .put("code", "throttled"));

    // timings on a shared machine are noisy: compare the fastest of several attempts on each side
    // (a throttled attempt records nothing, so repeating it changes no state)
    for (int i = 0; i < 4; i++) {
      started = System.nanoTime();
      assertThat(login(b, "frank", "frank-pw", "10.0.0.99").statusCode()).isEqualTo(429);
      throttledMs = Math.min(throttledMs, (System.nanoTime() - started) / 1_000_000);
    }
    long hashedMs = Long.MAX_VALUE;
    for (int i = 0; i < 2; i++) {
      started = System.nanoTime();
      assertThat(login(b, "grace", "wrong", "10.0.1." + i).statusCode()).isEqualTo(401);
      hashedMs = Math.min(hashedMs, (System.nanoTime() - started) / 1_000_000);
    }
    assertThat(throttledMs).as("throttled %d ms vs hashed %d ms", throttledMs, hashedMs).isLessThan(hashedMs / 2);
  }

  @Test
  @DisplayName("a successful login resets the account's count")
  void successResets() {
    assertThat(login(a, "heidi", "wrong", "10.0.2.1").statusCode()).isEqualTo(401);
    assertThat(login(a, "heidi", "wrong", "10.0.2.2").statusCode()).isEqualTo(401);
    assertThat(login(a, "heidi", "heidi-pw", "10.0.2.3").statusCode()).isEqualTo(200);
    assertThat(login(a, "heidi", "wrong", "10.0.2.4").statusCode()).isEqualTo(401);
    assertThat(login(a, "heidi", "wrong", "10.0.2.5").statusCode()).isEqualTo(401);
    assertThat(login(a, "heidi", "heidi-pw", "10.0.2.6").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("one client address trying many usernames is throttled; X-Forwarded-For counts only from a trusted proxy")
  void clientLimit() {
    for (int i = 0; i < 6; i++) {
      assertThat(login(a, "nobody-" + i, "wrong", "192.0.2.7").statusCode()).isEqualTo(401);
    }
    assertThat(login(a, "nobody-x", "wrong", "192.0.2.7").statusCode()).isEqualTo(429);
    assertThat(login(a, "nobody-x", "wrong", "192.0.2.8").statusCode()).as("another client").isEqualTo(401);
    assertThat(login(a, "nobody-y", "wrong", "192.0.2.7, 127.0.0.1").statusCode())
        .as("the trusted proxy's own hop is skipped").isEqualTo(429);
  }
}
