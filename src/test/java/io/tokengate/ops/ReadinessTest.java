package io.tokengate.ops;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** Readiness looks at the database it actually talks to, not at what start-up once saw. */
class ReadinessTest {

  private static String status(HttpResponse<Buffer> response, String check) {
    return response.bodyAsJsonObject().getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("id").equals(check)).findFirst().orElseThrow().getString("status");
  }

  @Test
  @DisplayName("a database that lost applied migrations (restored or swapped underneath) makes readiness 503 until they are back")
  void missingMigrations() throws SQLException {
    try (TestGateway gateway = TestGateway.start(new JsonObject());
         HttpTestClient management = new HttpTestClient(gateway.gateway().managementPort());
         Connection conn = gateway.database().connect();
         Statement sql = conn.createStatement()) {
      assertThat(management.get("/health/ready", null).statusCode()).isEqualTo(200);

      sql.execute("CREATE TABLE saved_history AS SELECT * FROM tokengate_schema_history");
      sql.execute("DELETE FROM tokengate_schema_history WHERE version = '2'");
      HttpResponse<Buffer> missing = management.get("/health/ready", null);
      assertThat(missing.statusCode()).as(missing.bodyAsString()).isEqualTo(503);
      assertThat(status(missing, "migrations")).isEqualTo("DOWN");
      assertThat(status(missing, "database")).isEqualTo("UP");
      assertThat(status(missing, "verticles")).isEqualTo("UP");

      sql.execute("INSERT INTO tokengate_schema_history SELECT * FROM saved_history WHERE version = '2'");
      assertThat(management.get("/health/ready", null).statusCode()).isEqualTo(200);
    }
  }
}
