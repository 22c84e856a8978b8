package io.tokengate.ops;

import io.tokengate.config.DatabaseUrl;
import io.tokengate.support.Closing;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Poll;
import io.tokengate.support.TcpRelay;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database goes away and comes back while the gateway runs. The gateway reaches PostgreSQL
 * through a relay the test controls; the shared database server itself is never touched.
 */
class DatabaseOutageTest {

  private static final JsonObject UNAVAILABLE = new JsonObject()
      .put("detail", "Service temporarily unavailable").put("code", "database_unavailable");
  private static final Duration QUICK = Duration.ofSeconds(3);

  private TcpRelay relay;
  private TestGateway gateway;
  private HttpTestClient http;
  private HttpTestClient management;

  @AfterEach
  void stop() {
    Closing.all(management, http, gateway, relay);
  }

  private void startBehindRelay() {
    gateway = TestGateway.start(database -> {
      DatabaseUrl real = database.url();
      relay = new TcpRelay(real.host(), real.port());
      DatabaseUrl relayed = new DatabaseUrl("127.0.0.1", relay.port(), real.database(), real.user(), real.password());
      return new JsonObject().put("database", new JsonObject()
          .put("url", relayed.toUrlWithPassword())
          .put("connect_timeout", "PT1S"))
          .put("routes", new io.vertx.core.json.JsonArray().add(new JsonObject()
              .put("name", "hello").put("path", "/api/hello/").put("upstream", "demo")));
    });
    http = new HttpTestClient(gateway.port());
    management = new HttpTestClient(gateway.gateway().managementPort());
    new Users(gateway.database()).create("alice", "wonderland", true);
  }

  private static HttpResponse<Buffer> quickly(String what, Supplier<HttpResponse<Buffer>> call) {
    long started = System.nanoTime();
    HttpResponse<Buffer> response = call.get();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(took).as(what + " took " + took.toMillis() + " ms").isLessThan(QUICK);
    return response;
  }

  private static void assertUnavailable(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
    assertThat(response.bodyAsJsonObject()).isEqualTo(UNAVAILABLE);
  }

  @Test
  @DisplayName("while the database is unreachable the token API answers 503 quickly and readiness is down; it recovers by itself")
  void outageAndRecovery() {
    startBehindRelay();
    JsonObject pair = http.login("alice", "wonderland");
    assertThat(management.get("/health/ready", null).statusCode()).isEqualTo(200);

    relay.cut();

    assertUnavailable(quickly("login", () -> http.postJson("/api/token/",
        new JsonObject().put("username", "alice").put("password", "wonderland"))));
    assertUnavailable(quickly("refresh", () -> http.postJson("/api/token/refresh/",
        new JsonObject().put("refresh", pair.getString("refresh")))));
    assertUnavailable(quickly("verify a refresh token", () -> http.postJson("/api/token/verify/",
        new JsonObject().put("token", pair.getString("refresh")))));
    assertThat(quickly("verify an access token", () -> http.postJson("/api/token/verify/",
        new JsonObject().put("token", pair.getString("access")))).statusCode())
        .as("an access token verifies from memory, like a protected route").isEqualTo(200);
    assertThat(quickly("a protected route", () -> http.get("/api/hello/", pair.getString("access"))).statusCode())
        .as("protected routes keep working: stateless verification and the in-memory revocations").isEqualTo(200);
    assertUnavailable(quickly("blacklist", () -> http.postJson("/api/token/blacklist/",
        new JsonObject().put("refresh", pair.getString("refresh")))));
    HttpResponse<Buffer> ready = quickly("readiness", () -> management.get("/health/ready", null));
    assertThat(ready.statusCode()).isEqualTo(503);
    JsonObject readyBody = ready.bodyAsJsonObject();
    assertThat(readyBody.getString("status")).isEqualTo("DOWN");
    assertThat(readyBody.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(check -> check.getString("id").equals("database")).findFirst().orElseThrow().getString("status"))
        .isEqualTo("DOWN");
    assertThat(management.get("/health/live", null).statusCode()).as("the process itself is fine").isEqualTo(200);

    relay.restore();

    Poll.until(Duration.ofSeconds(20), "readiness after the database returns",
        () -> management.get("/health/ready", null).statusCode() == 200);
    assertThat(http.login("alice", "wonderland").fieldNames()).contains("access", "refresh");
    // The refresh token issued before the outage is still known: nothing was lost.
    HttpResponse<Buffer> refreshed = http.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh")));
    assertThat(refreshed.statusCode()).as(refreshed.bodyAsString()).isEqualTo(200);
    assertThat(http.postJson("/api/token/verify/", new JsonObject().put("token", pair.getString("access"))).statusCode())
        .isEqualTo(200);
  }

  @Test
  @DisplayName("a database that accepts connections but never answers costs at most the connect timeout, then recovers")
  void hangingDatabase() {
    startBehindRelay();
    JsonObject pair = http.login("alice", "wonderland");

    relay.blackhole();

    for (int i = 0; i < 3; i++) {
      assertUnavailable(quickly("login " + i, () -> http.postJson("/api/token/",
          new JsonObject().put("username", "alice").put("password", "wonderland"))));
      assertUnavailable(quickly("refresh " + i, () -> http.postJson("/api/token/refresh/",
          new JsonObject().put("refresh", pair.getString("refresh")))));
    }
    assertThat(quickly("readiness", () -> management.get("/health/ready", null)).statusCode()).isEqualTo(503);

    relay.restore();

    Poll.until(Duration.ofSeconds(20), "a login after the database answers again",
        () -> http.postJson("/api/token/", new JsonObject().put("username", "alice").put("password", "wonderland"))
            .statusCode() == 200);
    assertThat(http.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh"))).statusCode())
        .isEqualTo(200);
  }
}
