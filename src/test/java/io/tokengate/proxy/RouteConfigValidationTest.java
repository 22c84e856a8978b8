package io.tokengate.proxy;

import io.tokengate.cli.TokengateCommand;
import io.tokengate.config.ConfigException;
import io.tokengate.config.GatewayConfig;
import io.tokengate.config.RouteConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Route configuration")
class RouteConfigValidationTest {

  private static JsonObject route(String name, String path) {
    return new JsonObject().put("name", name).put("path", path).put("upstream", "http://127.0.0.1:9001");
  }

  private static GatewayConfig config(JsonObject... routes) {
    return GatewayConfig.fromJson(new JsonObject().put("routes", new JsonArray(List.of((Object[]) routes))));
  }

  private static void assertRefused(String message, JsonObject... routes) {
    assertThatThrownBy(() -> config(routes)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  @DisplayName("every key is read, with its default when absent")
  void defaultsAndKeys() {
    RouteConfig minimal = config(route("orders", "/api/orders/")).routes().get(0);
    assertThat(minimal.upstreams()).containsExactly(URI.create("http://127.0.0.1:9001"));
    assertThat(minimal.auth()).isEqualTo(RouteConfig.AuthMode.REQUIRED);
    assertThat(minimal.stripPrefix()).isFalse();
    assertThat(minimal.forwardAuthorization()).isFalse();
    assertThat(minimal.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(minimal.maxConnections()).isEqualTo(RouteConfig.DEFAULT_MAX_CONNECTIONS);
    assertThat(minimal.identityHeaders()).isEmpty();

    RouteConfig full = config(route("orders", "/api/orders/")
        .put("upstream", new JsonArray().add("http://127.0.0.1:9001").add("https://api.example.invalid"))
        .put("strip_prefix", true).put("auth", "required").put("timeout", "PT10S").put("forward_authorization", true)
        .put("require", new JsonObject().put("claims", new JsonObject().put("is_staff", true)).put("scopes", new JsonArray().add("orders:read")))
        .put("identity_headers", new JsonObject().put("email", "X-Auth-Email")).put("max_connections", 8)).routes().get(0);
    assertThat(full.upstreams()).hasSize(2);
    assertThat(full.stripPrefix()).isTrue();
    assertThat(full.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(full.requiredClaims()).isEqualTo(new JsonObject().put("is_staff", true));
    assertThat(full.requiredScopes()).containsExactly("orders:read");
    assertThat(full.identityHeaders()).isEqualTo(Map.of("email", "X-Auth-Email"));
    assertThat(full.maxConnections()).isEqualTo(8);
  }

  @Test
  @DisplayName("duplicate names or paths, bad URLs and unknown keys are refused with the key named")
  void refusals() {
    assertRefused("routes[1].name: duplicate route name \"a\"", route("a", "/api/a/"), route("a", "/api/b/"));
    assertRefused("routes[1].path: duplicate route path \"/api/a/\"", route("a", "/api/a/"), route("b", "/api/a/"));
    assertRefused("routes[0].upstream: not an upstream URL of the form http://host:port (got \"ftp://x\")",
        route("a", "/api/a/").put("upstream", "ftp://x"));
    assertRefused("routes[0].upstream: not an upstream URL of the form http://host:port (got \"http://h:1/path\")",
        route("a", "/api/a/").put("upstream", "http://h:1/path"));
    assertThatThrownBy(() -> config(route("a", "/api/a/").put("timeot", "PT1S")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("routes[0].timeot: unknown key");
    assertThatThrownBy(() -> config(route("a", "/api/a/").put("require", new JsonObject().put("claim", new JsonObject()))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("routes[0].require.claim: unknown key");
    assertRefused("routes[0].auth: must be one of required, optional, none, got \"maybe\"", route("a", "/api/a/").put("auth", "maybe"));
  }

  @Test
  @DisplayName("rules without auth: required, token API paths and reserved identity headers are refused")
  void gatewayRules() {
    assertRefused("routes[0].require: needs auth: required (got auth: optional)", route("a", "/api/a/").put("auth", "optional")
        .put("require", new JsonObject().put("scopes", new JsonArray().add("x"))));
    assertRefused("routes[0].path: may not lie under the token API /api/token/ (got \"/api/token/x/\")", route("a", "/api/token/x/"));
    assertRefused("routes[0].identity_headers.user_id: header \"X-Auth-User-Id\" is set by the gateway or HTTP itself",
        route("a", "/api/a/").put("identity_headers", new JsonObject().put("user_id", "X-Auth-User-Id")));
    assertRefused("routes[0].identity_headers.tenant: header \"x-auth-org\" already carries claim org",
        route("a", "/api/a/").put("identity_headers", new JsonObject().put("org", "X-Auth-Org").put("tenant", "x-auth-org")));
  }

  @Test
  @DisplayName("the serve command prints one line naming the bad key and exits 1")
  void serveStops(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, """
        routes:
          - name: orders
            path: /api/orders/
            upstream: http://127.0.0.1:9001
            stirp_prefix: true
        """);
    StringWriter err = new StringWriter();
    CommandLine line = TokengateCommand.commandLine();
    line.setErr(new PrintWriter(err));
    int code = line.execute("serve", "--config", file.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().lines().toList()).hasSize(1);
    assertThat(err.toString()).startsWith("tokengate: routes[0].stirp_prefix: unknown key");
  }
}
