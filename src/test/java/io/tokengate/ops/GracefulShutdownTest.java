package io.tokengate.ops;

import io.tokengate.auth.DjangoPasswordHasher;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Poll;
import io.tokengate.support.Scrape;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stopping a gateway lets the requests it already accepted finish. */
class GracefulShutdownTest {

  /** Enough PBKDF2 rounds that checking the password takes a good fraction of a second. */
  private static final int SLOW_ITERATIONS = 3_000_000;

  @Test
  @DisplayName("a login in flight when the gateway stops completes with 200 while readiness says 503; then the port refuses connections")
  void inFlightLoginCompletes() throws Exception {
    try (TestGateway gateway = TestGateway.start(new JsonObject());
         HttpTestClient http = new HttpTestClient(gateway.port());
         HttpTestClient management = new HttpTestClient(gateway.gateway().managementPort())) {
      new Users(gateway.database()).insert("slow", new DjangoPasswordHasher(SLOW_ITERATIONS).encode("patience"), true, null);

      Future<HttpResponse<Buffer>> inFlight = http.client().post("/api/token/")
          .sendJsonObject(new JsonObject().put("username", "slow").put("password", "patience"));
      Poll.until(Duration.ofSeconds(10), "the password check to be running", () -> hashing(management) >= 1);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway.gateway()::close);
      Poll.until(Duration.ofSeconds(10), "readiness to turn 503 while draining", () -> {
        HttpResponse<Buffer> ready = management.get("/health/ready", null);
        return ready.statusCode() == 503 && ready.bodyAsString().contains("{\"id\":\"verticles\",\"status\":\"DOWN\"}");
      });
      assertThat(inFlight.isComplete()).as("the login is still running while readiness is down").isFalse();
      closing.get(60, TimeUnit.SECONDS);

      HttpResponse<Buffer> response = inFlight.await(30, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().fieldNames()).containsExactlyInAnyOrder("access", "refresh");

      try (HttpTestClient late = new HttpTestClient(gateway.port())) {
        assertThatThrownBy(() -> late.get("/api/token/", null)).hasMessageContaining("Connection refused");
      }
    }
  }

  @Test
  @DisplayName("a request still running after http.shutdown_timeout is cut off: stopping does not wait for it")
  void shutdownTimeoutBoundsTheWait() {
    try (TestGateway gateway = TestGateway.start(new JsonObject().put("http", new JsonObject().put("shutdown_timeout", "PT0.1S")));
         HttpTestClient http = new HttpTestClient(gateway.port());
         HttpTestClient management = new HttpTestClient(gateway.gateway().managementPort())) {
      long hashStarted = System.nanoTime();
      String hash = new DjangoPasswordHasher(SLOW_ITERATIONS * 3).encode("patience");
      Duration checkTakes = Duration.ofNanos(System.nanoTime() - hashStarted); // checking costs what hashing did
      new Users(gateway.database()).insert("slow", hash, true, null);

      Future<HttpResponse<Buffer>> inFlight = http.client().post("/api/token/")
          .sendJsonObject(new JsonObject().put("username", "slow").put("password", "patience"));
      Poll.until(Duration.ofSeconds(10), "the password check to be running", () -> hashing(management) >= 1);

      long closeStarted = System.nanoTime();
      gateway.gateway().close();
      Duration closeTook = Duration.ofNanos(System.nanoTime() - closeStarted);

      assertThat(closeTook).as("close() did not wait for a login that needs " + checkTakes).isLessThan(checkTakes.dividedBy(2));
      assertThatThrownBy(() -> inFlight.await(10, TimeUnit.SECONDS)).as("the cut-off request fails on the client")
          .isNotInstanceOf(java.util.concurrent.TimeoutException.class);
    }
  }

  private static double hashing(HttpTestClient management) {
    Scrape scrape = new Scrape(management.get("/metrics", null).bodyAsString());
    return scrape.value("vertx_pool_in_use", "pool_type", "worker", "pool_name", "tokengate-hashing");
  }
}
