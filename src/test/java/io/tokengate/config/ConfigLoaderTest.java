package io.tokengate.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private GatewayConfig load(Path file, Map<String, String> env) {
    return new ConfigLoader(vertx).load(file, env).await();
  }

  @Test
  @DisplayName("the shipped defaults load: dev mode, port 8000, Simple JWT's lifetimes, the development key")
  void defaults() {
    GatewayConfig config = load(null, Map.of());
    assertThat(config.mode()).isEqualTo(Mode.DEV);
    assertThat(config.http().host()).isEqualTo("127.0.0.1");
    assertThat(config.http().port()).isEqualTo(8000);
    assertThat(config.database().embedded()).isTrue();
    assertThat(config.jwt().accessTokenLifetime()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.jwt().refreshTokenLifetime()).isEqualTo(Duration.ofDays(1));
    assertThat(config.jwt().developmentKey()).isTrue();
    assertThat(config.jwt().rotateRefreshTokens()).isTrue();
    assertThat(config.jwt().blacklistAfterRotation()).isTrue();
    assertThat(config.jwt().authHeaderTypes()).containsExactly("Bearer");
    assertThat(config.users().passwordIterations()).isEqualTo(600_000);
  }

  @Test
  @DisplayName("TOKENGATE_<KEY_PATH> environment variables override any key")
  void environment() {
    GatewayConfig config = load(null, Map.of(
        "TOKENGATE_HTTP_PORT", "9123",
        "TOKENGATE_DATABASE_URL", "postgresql://app:s3cret@db.internal:6543/gate",
        "TOKENGATE_JWT_SIGNING_KEY", "k".repeat(40),
        "TOKENGATE_JWT_ACCESS_TOKEN_LIFETIME", "PT15M",
        "TOKENGATE_JWT_ROTATE_REFRESH_TOKENS", "false",
        "TOKENGATE_JWT_AUTH_HEADER_TYPES", "Bearer,JWT",
        "TOKENGATE_USERS_TABLE", "auth_user"));
    assertThat(config.http().port()).isEqualTo(9123);
    assertThat(config.database().url().host()).isEqualTo("db.internal");
    assertThat(config.database().url().port()).isEqualTo(6543);
    assertThat(config.database().url().database()).isEqualTo("gate");
    assertThat(config.database().url().password()).isEqualTo("s3cret");
    assertThat(config.database().url().toString()).doesNotContain("s3cret");
    assertThat(config.jwt().accessTokenLifetime()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.jwt().rotateRefreshTokens()).isFalse();
    assertThat(config.jwt().authHeaderTypes()).containsExactly("Bearer", "JWT");
    assertThat(config.jwt().developmentKey()).isFalse();
    assertThat(config.jwt().toString()).doesNotContain("kkkk");
  }

  @Test
  @DisplayName("--config FILE changes only what it holds, and the environment still wins over it")
  void extraFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("local.yaml");
    Files.writeString(file, "http:\n  port: 7000\njwt:\n  leeway: 5\n");
    GatewayConfig config = load(file, Map.of("TOKENGATE_JWT_LEEWAY", "9"));
    assertThat(config.http().port()).isEqualTo(7000);
    assertThat(config.http().host()).isEqualTo("127.0.0.1");
    assertThat(config.jwt().leewaySeconds()).isEqualTo(9);
    assertThat(config.jwt().accessTokenLifetime()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  @DisplayName("a bad value stops start-up with one line naming the key")
  void badValues() {
    assertThatThrownBy(() -> load(null, Map.of("TOKENGATE_JWT_ACCESS_TOKEN_LIFETIME", "5 minutes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("jwt.access_token_lifetime: ")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> load(null, Map.of("TOKENGATE_HTTP_PORT", "eighty")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.port: ");
    assertThatThrownBy(() -> load(null, Map.of("TOKENGATE_HTTP_PORT", "70000")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.port: ");
    assertThatThrownBy(() -> load(null, Map.of("TOKENGATE_MODE", "staging")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("mode: ");
    assertThatThrownBy(() -> load(null, Map.of("TOKENGATE_DATABASE_URL", "mysql://x@y/z")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("database.url: ");
    assertThatThrownBy(() -> load(null, Map.of("TOKENGATE_JWT_ALGORITHM", "none")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("jwt.algorithm: ");
    assertThatThrownBy(() -> load(null, Map.of("TOKENGATE_JWT_SIMPLEJWT_BLACKLIST", "yes")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("jwt.simplejwt_blacklist: must be auto, on or off");
    assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("jwt", new JsonObject().put("lifetime", 1))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("jwt.lifetime: unknown key");
  }

  @Test
  @DisplayName("prod mode requires a database URL and a real signing key of at least 256 bits")
  void prodMode() {
    Map<String, String> prod = Map.of("TOKENGATE_MODE", "prod", "TOKENGATE_DATABASE_URL", "postgresql://u@h/d", "TOKENGATE_HTTP_BEHIND_PROXY", "true");
    assertThatThrownBy(() -> load(null, prod))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("jwt.signing_key: required in prod mode");
    assertThatThrownBy(() -> load(null, Map.of("TOKENGATE_MODE", "prod", "TOKENGATE_JWT_SIGNING_KEY", "x".repeat(40), "TOKENGATE_HTTP_HOST", "127.0.0.1")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("database.url: required in prod mode");
    assertThatThrownBy(() -> load(null, merge(prod, Map.of("TOKENGATE_JWT_SIGNING_KEY", "short-key"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("too short for HS256");
    assertThatThrownBy(() -> load(null, merge(prod, Map.of("TOKENGATE_JWT_SIGNING_KEY", JwtConfig.DEVELOPMENT_KEY))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("development key");
    GatewayConfig ok = load(null, merge(prod, Map.of("TOKENGATE_JWT_SIGNING_KEY", "x".repeat(32))));
    assertThat(ok.http().host()).isEqualTo("0.0.0.0");
  }

  @Test
  @DisplayName("routes are validated: duplicate names, bad upstream URLs and unknown keys are refused")
  void routes() {
    JsonObject route = new JsonObject().put("name", "a").put("path", "/a/").put("upstream", "http://127.0.0.1:9001");
    assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("routes", List.of(route, route.copy().put("path", "/b/")))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("duplicate route name");
    assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("routes", List.of(route.copy().put("upstream", "ftp://x")))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("routes[0].upstream: ");
    assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("routes", List.of(route.copy().put("colour", "red")))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("routes[0].colour: unknown key");
  }

  private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    java.util.HashMap<String, String> result = new java.util.HashMap<>(a);
    result.putAll(b);
    return result;
  }
}
