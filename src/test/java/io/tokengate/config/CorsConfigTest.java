package io.tokengate.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A route's cors: section")
class CorsConfigTest {

  private static RouteConfig route(JsonObject cors) {
    JsonObject route = new JsonObject().put("name", "orders").put("path", "/api/orders/").put("upstream", "http://127.0.0.1:9001");
    if (cors != null) {
      route.put("cors", cors);
    }
    return GatewayConfig.fromJson(new JsonObject().put("routes", new JsonArray().add(route))).routes().get(0);
  }

  private static void assertRefused(JsonObject cors, String message) {
    assertThatThrownBy(() -> route(cors)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }

  @Test
  @DisplayName("absent: no CORS; present: every key read, with its default when absent")
  void keys() {
    assertThat(route(null).cors()).isNull();
    CorsConfig minimal = route(new JsonObject().put("allowed_origins", "https://app.example.com")).cors();
    assertThat(minimal.allowedOrigins()).containsExactly("https://app.example.com");
    assertThat(minimal.allowedMethods()).isEqualTo(CorsConfig.DEFAULT_METHODS);
    assertThat(minimal.allowedHeaders()).isEqualTo(CorsConfig.DEFAULT_HEADERS);
    assertThat(minimal.allowCredentials()).isFalse();
    assertThat(minimal.maxAge()).isZero();
    CorsConfig full = route(new JsonObject().put("allowed_origins", new JsonArray().add("http://127.0.0.1:8080"))
        .put("allowed_methods", new JsonArray().add("get").add("POST")).put("allowed_headers", new JsonArray().add("X-Trace"))
        .put("exposed_headers", new JsonArray().add("X-Request-Id")).put("allow_credentials", true).put("max_age", "PT10M")).cors();
    assertThat(full.allowedMethods()).isEqualTo(List.of("GET", "POST"));
    assertThat(full.allowedHeaders()).containsExactly("X-Trace");
    assertThat(full.exposedHeaders()).containsExactly("X-Request-Id");
    assertThat(full.allowCredentials()).isTrue();
    assertThat(full.maxAge()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  @DisplayName("a mistake stops start-up naming the key")
  void mistakes() {
    assertRefused(new JsonObject(), "routes[0].cors.allowed_origins: required");
    assertRefused(new JsonObject().put("allowed_origins", "https://app.example.com/path"), "routes[0].cors.allowed_origins: not an origin");
    assertRefused(new JsonObject().put("allowed_origins", "app.example.com"), "routes[0].cors.allowed_origins: not an origin");
    assertRefused(new JsonObject().put("allowed_origins", "*").put("allow_credentials", true), "routes[0].cors.allowed_origins: \"*\" must stand alone");
    assertRefused(new JsonObject().put("allowed_origins", "*").put("allowed_methods", "FETCH"), "routes[0].cors.allowed_methods: unknown method");
    assertRefused(new JsonObject().put("allowed_origins", "*").put("allowed_headers", "Bad Header"), "not a valid header name");
    assertRefused(new JsonObject().put("allowed_origins", "*").put("max_age", "P2D"), "routes[0].cors.max_age: must be at most one day");
    assertRefused(new JsonObject().put("allowed_origins", "*").put("origins", "*"), "routes[0].cors.origins: unknown key");
  }

  @Test
  @DisplayName("a route path with ':' is refused (vertx-web would read it as a path parameter)")
  void colonInPath() {
    assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("routes", new JsonArray().add(new JsonObject()
        .put("name", "orders").put("path", "/api/:id/").put("upstream", "http://127.0.0.1:9001")))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("routes[0].path");
  }
}
