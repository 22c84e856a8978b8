package io.tokengate.users;

import io.tokengate.server.Gateway;
import io.tokengate.config.ConfigLoader;
import io.tokengate.config.GatewayConfig;
import io.tokengate.support.DjangoSide;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.TestDatabase;
import io.tokengate.support.TestGateway;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recipe of docs/django.md, run as written: its yaml block with only the database URL and the
 * Django upstream's address replaced by the test's, and what a deployment sets in the environment
 * (the key, free ports, cheap hashing for the test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DjangoGuideTest {

  private TestDatabase database;
  private DjangoSide django;
  private UpstreamServer app;
  private Gateway gateway;
  private HttpTestClient http;

  static String guideYaml() throws Exception {
    String guide = Files.readString(Path.of("docs/django.md"));
    int section = guide.indexOf("## Put tokengate in front of your Django app");
    int start = guide.indexOf("```yaml\n", section) + "```yaml\n".length();
    return guide.substring(start, guide.indexOf("```", start));
  }

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    database = TestDatabase.create();
    django = DjangoSide.migrate(database);
    app = UpstreamServer.json("django");
    String yaml = guideYaml();
    assertThat(yaml).contains("postgresql://django:secret@127.0.0.1:5432/mysite", "http://127.0.0.1:8001");
    Path file = dir.resolve("django.yaml");
    Files.writeString(file, yaml.replace("postgresql://django:secret@127.0.0.1:5432/mysite", database.url().toUrlWithPassword())
        .replace("http://127.0.0.1:8001", app.url()));
    Map<String, String> env = Map.of("TOKENGATE_JWT_SIGNING_KEY", TestGateway.SIGNING_KEY, "TOKENGATE_HTTP_PORT", "0",
        "TOKENGATE_MANAGEMENT_PORT", "0", "TOKENGATE_USERS_PASSWORD_ITERATIONS", "1000");
    Vertx vertx = Vertx.vertx();
    GatewayConfig config;
    try {
      config = new ConfigLoader(vertx).load(file, env).await();
    } finally {
      vertx.close().await();
    }
    gateway = Gateway.start(config);
    http = new HttpTestClient(gateway.port());
  }

  @AfterAll
  void stop() {
    http.close();
    gateway.close();
    app.close();
    database.close();
  }

  @Test
  @DisplayName("the guide's YAML serves Django's users, shares Simple JWT's blacklist and forwards the Bearer token to Django")
  void recipeWorks() {
    int id = django.createUser("guide");
    JsonObject pair = http.login("guide", DjangoSide.PASSWORD);
    assertThat(django.outstanding(Jwts.payload(pair.getString("refresh")).getString("jti"))).as("shared blacklist").isNotNull();
    assertThat(http.get("/api/orders/", pair.getString("access")).statusCode()).isEqualTo(200);
    UpstreamServer.Seen seen = app.last();
    assertThat(seen.header("authorization")).as("DRF's JWTAuthentication sees the token").isEqualTo("Bearer " + pair.getString("access"));
    assertThat(seen.header("x-auth-user-id")).isEqualTo(String.valueOf(id));
    assertThat(http.get("/api/orders/", null).statusCode()).isEqualTo(401);
    assertThat(http.get("/admin/login/", null).statusCode()).as("Django's own pages pass").isEqualTo(200);
    assertThat(gateway.config().database().manageSchema()).isFalse();
  }
}
