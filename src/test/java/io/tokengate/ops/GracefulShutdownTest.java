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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stopping a gateway lets the requests it already accepted finish. */
class GracefulShutdownTest {

  /** Enough PBKDF2 rounds that checking the password takes a good fraction of a second. */
  private static final int SLOW_ITERATIONS = 3_000_000;

  @Test
  @DisplayName("a login in flight when the gateway stops still completes with 200, and the port then refuses connections")
  void inFlightLoginCompletes() throws Exception {
    try (TestGateway gateway = TestGateway.start(new JsonObject());
         HttpTestClient http = new HttpTestClient(gateway.port());
         HttpTestClient management = new HttpTestClient(gateway.gateway().managementPort())) {
      new Users(gateway.database()).insert("slow", new DjangoPasswordHasher(SLOW_ITERATIONS).encode("patience"), true, null);

      Future<HttpResponse<Buffer>> inFlight = http.client().post("/api/token/")
          .sendJsonObject(new JsonObject().put("username", "slow").put("password", "patience"));
      Poll.until(Duration.ofSeconds(10), "the password check to be running", () -> hashing(management) >= 1);

      gateway.gateway().close();

      HttpResponse<Buffer> response = inFlight.await(30, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().fieldNames()).containsExactlyInAnyOrder("access", "refresh");

      try (HttpTestClient late = new HttpTestClient(gateway.port())) {
        assertThatThrownBy(() -> late.get("/api/token/", null)).hasMessageContaining("Connection refused");
      }
    }
  }

  private static double hashing(HttpTestClient management) {
    Scrape scrape = new Scrape(management.get("/metrics", null).bodyAsString());
    return scrape.value("vertx_pool_in_use", "pool_type", "worker", "pool_name", "tokengate-hashing");
  }
}
