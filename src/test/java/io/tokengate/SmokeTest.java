package io.tokengate;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {

  @Test
  @DisplayName("the demo user logs in against a real database")
  void demoLogin() {
    try (TestGateway gateway = TestGateway.start(new JsonObject()); HttpTestClient http = new HttpTestClient(gateway.port())) {
      JsonObject pair = http.login("demo", "demo-password");
      assertThat(pair.fieldNames()).containsExactlyInAnyOrder("refresh", "access");
    }
  }
}
