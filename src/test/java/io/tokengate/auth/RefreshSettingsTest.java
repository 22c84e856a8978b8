package io.tokengate.auth;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.tokengate.support.TestGateway.SIGNING_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Simple JWT's refresh with settings other than the defaults, end to end: each is a flag of the
 * one refresh statement, so each gets a gateway of its own.
 */
class RefreshSettingsTest {

  private static final String REFRESH = "/api/token/refresh/";

  private static JsonObject jwt(String setting, boolean value) {
    return new JsonObject().put("jwt", new JsonObject().put("signing_key", SIGNING_KEY).put(setting, value));
  }

  private static HttpResponse<Buffer> refresh(HttpTestClient http, String token) {
    return http.postJson(REFRESH, new JsonObject().put("refresh", token));
  }

  @Test
  @DisplayName("without rotation a refresh answers an access token only, and the refresh token stays usable")
  void withoutRotation() {
    try (TestGateway gateway = TestGateway.start(jwt("rotate_refresh_tokens", false));
        HttpTestClient http = new HttpTestClient(gateway.port())) {
      Users users = new Users(gateway.database());
      users.create("alice", "wonderland", true);
      String token = http.login("alice", "wonderland").getString("refresh");
      for (int i = 0; i < 2; i++) {
        HttpResponse<Buffer> response = refresh(http, token);
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject().fieldNames()).containsExactly("access");
      }
      assertThat(users.count("SELECT count(*) FROM tokengate_outstanding_token")).isEqualTo(1);
      assertThat(users.count("SELECT count(*) FROM tokengate_blacklisted_token")).isZero();
      assertThat(users.count("SELECT count(*) FROM tokengate_issued_access")).as("login's and both refreshes'").isEqualTo(3);
    }
  }

  @Test
  @DisplayName("without blacklist after rotation the rotated token stays usable and is not reuse")
  void withoutBlacklistAfterRotation() {
    try (TestGateway gateway = TestGateway.start(jwt("blacklist_after_rotation", false));
        HttpTestClient http = new HttpTestClient(gateway.port())) {
      Users users = new Users(gateway.database());
      users.create("alice", "wonderland", true);
      String first = http.login("alice", "wonderland").getString("refresh");
      String second = refresh(http, first).bodyAsJsonObject().getString("refresh");
      assertThat(refresh(http, first).statusCode()).isEqualTo(200);
      assertThat(refresh(http, second).statusCode()).isEqualTo(200);
      assertThat(users.count("SELECT count(*) FROM tokengate_blacklisted_token")).isZero();
      assertThat(users.count("SELECT count(*) FROM tokengate_outstanding_token WHERE rotated_at IS NOT NULL")).isZero();
    }
  }

  @Test
  @DisplayName("without access-token revocation no access token is recorded, and reuse still revokes the family")
  void withoutAccessRevocation() {
    try (TestGateway gateway = TestGateway.start(jwt("revoke_access", false));
        HttpTestClient http = new HttpTestClient(gateway.port())) {
      Users users = new Users(gateway.database());
      users.create("alice", "wonderland", true);
      String first = http.login("alice", "wonderland").getString("refresh");
      String second = refresh(http, first).bodyAsJsonObject().getString("refresh");
      assertThat(refresh(http, first).statusCode()).isEqualTo(401);
      assertThat(refresh(http, second).statusCode()).as("the family is revoked").isEqualTo(401);
      assertThat(Jwts.payload(second).getString("token_type")).isEqualTo("refresh");
      assertThat(users.count("SELECT count(*) FROM tokengate_issued_access")).isZero();
      assertThat(users.count("SELECT count(*) FROM tokengate_revocation")).isZero();
    }
  }
}
