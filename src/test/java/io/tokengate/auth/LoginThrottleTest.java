package io.tokengate.auth;

import io.tokengate.server.Gateway;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Brute-force protection: failed logins counted per (username, client), per client and per username, in PostgreSQL. */
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
        .put("http", new JsonObject().put("trusted_proxies", new JsonArray().add("127.0.0.0/8").add("10.20.0.0/16").add("::1")))
        .put("login_throttle", new JsonObject().put("username_limit", 3).put("client_limit", 6).put("account_limit", 8)
            .put("window", "PT10M"));
    gateway = TestGateway.start(config);
    sibling = gateway.startSibling(config);
    a = new HttpTestClient(gateway.port());
    b = new HttpTestClient(sibling.port());
    users = new Users(gateway.database());
    for (String name : new String[] {"frank", "grace", "heidi", "ivan", "judy"}) {
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
  @DisplayName("past the username limit for one client, another instance answers 429 with Retry-After, even to the right password, without hashing")
  void usernameLimitAcrossInstances() {
    for (int i = 0; i < 3; i++) {
      assertThat(login(a, "frank", "wrong", "10.0.0.1").statusCode()).isEqualTo(401);
    }
    long started = System.nanoTime();
    HttpResponse<Buffer> throttled = login(b, "frank", "frank-pw", "10.0.0.1");
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
      assertThat(login(b, "frank", "frank-pw", "10.0.0.1").statusCode()).isEqualTo(429);
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
  @DisplayName("a successful login resets the count of its username and client")
  void successResets() {
    assertThat(login(a, "heidi", "wrong", "10.0.2.1").statusCode()).isEqualTo(401);
    assertThat(login(a, "heidi", "wrong", "10.0.2.1").statusCode()).isEqualTo(401);
    assertThat(login(a, "heidi", "heidi-pw", "10.0.2.1").statusCode()).isEqualTo(200);
    assertThat(login(a, "heidi", "wrong", "10.0.2.1").statusCode()).isEqualTo(401);
    assertThat(login(a, "heidi", "wrong", "10.0.2.1").statusCode()).isEqualTo(401);
    assertThat(login(a, "heidi", "heidi-pw", "10.0.2.1").statusCode()).isEqualTo(200);
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

  @Test
  @DisplayName("40 parallel wrong passwords for one account: at most the limit are hashed (401), the rest are 429")
  void parallelAttemptsReserveBeforeHashing() {
    try (HttpTestClient parallel = new HttpTestClient(gateway.port(), 40)) {
      List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        sent.add(parallel.client().post("/api/token/").putHeader("X-Forwarded-For", "10.0.5.1")
            .sendJsonObject(new JsonObject().put("username", "ivan").put("password", "wrong-" + i)));
      }
      Future.join(sent).await();
      Map<Integer, Long> statuses = sent.stream().collect(Collectors.groupingBy(f -> f.result().statusCode(), Collectors.counting()));
      assertThat(statuses).as("statuses %s", statuses).containsOnlyKeys(401, 429).containsEntry(401, 3L).containsEntry(429, 37L);
      assertThat(users.queryString("SELECT count(*) FROM tokengate_login_failure WHERE username = ?", "ivan"))
          .isEqualTo("3");
    }
  }

  @Test
  @DisplayName("a forged first X-Forwarded-For line does not evade the per-client limit; trusted CIDR hops are skipped")
  void spoofedForwardedForLine() {
    for (int i = 0; i < 6; i++) {
      // the client forges its own header line; the trusted proxies append theirs (another line, then a CIDR-trusted hop)
      HttpResponse<Buffer> response = a.client().post("/api/token/")
          .putHeader("X-Forwarded-For", List.of("6.6.6." + i, "198.51.100.9, 10.20.3.4"))
          .sendJsonObject(new JsonObject().put("username", "spoof-" + i).put("password", "wrong")).await();
      assertThat(response.statusCode()).isEqualTo(401);
    }
    HttpResponse<Buffer> throttled = a.client().post("/api/token/")
        .putHeader("X-Forwarded-For", List.of("6.6.6.200", "198.51.100.9, 10.20.3.4"))
        .sendJsonObject(new JsonObject().put("username", "spoof-x").put("password", "wrong")).await();
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(users.queryString("SELECT count(DISTINCT client) FROM tokengate_login_failure WHERE username LIKE ?", "spoof-%"))
        .isEqualTo("1");
    assertThat(users.queryString("SELECT max(client) FROM tokengate_login_failure WHERE username LIKE ?", "spoof-%"))
        .isEqualTo("198.51.100.9");
  }

  @Test
  @DisplayName("strangers' failures do not lock the owner out of their usual address; the account ceiling stops a distributed attack")
  void noLockoutFromStrangers() {
    assertThat(login(a, "judy", "judy-pw", "203.0.113.5").statusCode()).as("the owner's usual address").isEqualTo(200);
    for (int i = 0; i < 8; i++) {
      assertThat(login(i % 2 == 0 ? a : b, "judy", "guess-" + i, "198.18.0." + i).statusCode()).isEqualTo(401);
    }
    assertThat(login(a, "judy", "guess-x", "198.18.1.1").statusCode()).as("ceiling reached: a new address").isEqualTo(429);
    assertThat(login(b, "judy", "judy-pw", "198.18.1.2").statusCode()).as("even with the right password").isEqualTo(429);
    assertThat(login(b, "judy", "judy-pw", "203.0.113.5").statusCode()).as("the owner from their usual address").isEqualTo(200);
    assertThat(login(a, "judy", "judy-pw", "203.0.113.5").statusCode()).isEqualTo(200);
  }
}
