package io.tokengate;

import io.tokengate.server.Gateway;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two gateways that share only PostgreSQL behave as one. */
class ScaleOutTest {

  @Test
  @DisplayName("two gateway processes on one machine, sharing only PostgreSQL: login, rotation, reuse and revocation agree")
  void twoProcesses(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    try (io.tokengate.support.TestDatabase database = io.tokengate.support.TestDatabase.create()) {
      JsonObject config = TestGateway.baseConfig(database).put("mode", "prod")
          .put("management", new JsonObject().put("port", 0))
          .put("routes", new io.vertx.core.json.JsonArray());
      java.nio.file.Path first = java.nio.file.Files.createDirectories(dir.resolve("one"));
      java.nio.file.Path second = java.nio.file.Files.createDirectories(dir.resolve("two"));
      try (io.tokengate.support.ChildGateway one = io.tokengate.support.ChildGateway.start(config, "256m", first);
           io.tokengate.support.ChildGateway two = io.tokengate.support.ChildGateway.start(config, "256m", second);
           HttpTestClient a = new HttpTestClient(one.port());
           HttpTestClient b = new HttpTestClient(two.port())) {
        assertThat(one.pid()).isNotEqualTo(two.pid());
        new io.tokengate.support.Users(database).create("zoe", "zoe-password", true);
        JsonObject pair = a.login("zoe", "zoe-password");
        HttpResponse<Buffer> rotated = b.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh")));
        assertThat(rotated.statusCode()).isEqualTo(200);
        assertThat(a.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh"))).statusCode())
            .as("reuse, seen by the other process").isEqualTo(401);
        assertThat(b.postJson("/api/token/verify/", new JsonObject().put("token", rotated.bodyAsJsonObject().getString("refresh")))
            .statusCode()).as("the family is revoked everywhere").isEqualTo(400);
        JsonObject session = b.login("zoe", "zoe-password");
        String access = session.getString("access");
        String refresh = session.getString("refresh");
        assertThat(a.postJson("/api/token/verify/", new JsonObject().put("token", access)).statusCode()).isEqualTo(200);
        long deadline = System.nanoTime() + 5_000_000_000L;
        assertThat(b.postJson("/api/token/blacklist/", new JsonObject().put("refresh", refresh)).statusCode()).isEqualTo(200);
        assertThat(a.postJson("/api/token/refresh/", new JsonObject().put("refresh", refresh)).statusCode()).isEqualTo(401);
        while (System.nanoTime() < deadline
            && a.postJson("/api/token/verify/", new JsonObject().put("token", access)).statusCode() == 200) {
          Thread.onSpinWait();
        }
        assertThat(a.postJson("/api/token/verify/", new JsonObject().put("token", access)).statusCode())
            .as("the logged-out session's access token, revoked in the other process's memory").isEqualTo(400);
      }
    }
  }

  @Test
  @DisplayName("login, rotation, reuse detection and blacklisting are consistent across two instances")
  void twoInstances() {
    try (TestGateway first = TestGateway.start(new JsonObject());
         Gateway second = first.startSibling(new JsonObject());
         HttpTestClient a = new HttpTestClient(first.port());
         HttpTestClient b = new HttpTestClient(second.port())) {
      JsonObject pair = a.login("demo", "demo-password");
      HttpResponse<Buffer> rotated = b.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh")));
      assertThat(rotated.statusCode()).isEqualTo(200);
      String next = rotated.bodyAsJsonObject().getString("refresh");

      assertThat(a.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh"))).statusCode())
          .as("reuse on the other instance").isEqualTo(401);
      assertThat(b.postJson("/api/token/refresh/", new JsonObject().put("refresh", next)).statusCode())
          .as("the family was revoked for both").isEqualTo(401);

      String fresh = b.login("demo", "demo-password").getString("refresh");
      assertThat(a.postJson("/api/token/blacklist/", new JsonObject().put("refresh", fresh)).statusCode()).isEqualTo(200);
      assertThat(b.postJson("/api/token/verify/", new JsonObject().put("token", fresh)).statusCode()).isEqualTo(400);

      String contested = a.login("demo", "demo-password").getString("refresh");
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (HttpTestClient client : List.of(a, b, a, b)) {
        calls.add(client.client().post("/api/token/refresh/").sendJsonObject(new JsonObject().put("refresh", contested)));
      }
      Future.join(calls).await();
      assertThat(calls.stream().filter(f -> f.result().statusCode() == 200).count())
          .as("exactly one concurrent refresh wins across instances").isEqualTo(1);
    }
  }
}
