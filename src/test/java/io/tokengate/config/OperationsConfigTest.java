package io.tokengate.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The operations sections of the configuration: shipped defaults, environment overrides, validation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsConfigTest {

  private Vertx vertx;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  private GatewayConfig load(Map<String, String> env, JsonObject overrides) {
    JsonObject json = new ConfigLoader(vertx).loadJson(null, env).await();
    return GatewayConfig.fromJson(json.mergeIn(overrides, true));
  }

  private static JsonObject prod() {
    return new JsonObject().put("mode", "prod").put("http", new JsonObject().put("host", "127.0.0.1"))
        .put("database", new JsonObject().put("url", "postgresql://app:secret@db.internal:5432/app"))
        .put("jwt", new JsonObject().put("signing_key", "a-prod-signing-key-of-at-least-256-bits-0123456789abcdef"));
  }

  @Test
  @DisplayName("the shipped defaults: management on 127.0.0.1:9090, 30 s to drain, hourly purge of 1000-row batches, text logs in dev")
  void defaults() {
    GatewayConfig config = load(Map.of(), new JsonObject());
    assertThat(config.management()).isEqualTo(new ManagementConfig("127.0.0.1", 9090, true));
    assertThat(config.http().shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.housekeeping()).isEqualTo(new HousekeepingConfig(Duration.ofHours(1), 1000));
    assertThat(config.logging().format()).isEqualTo(LoggingConfig.Format.TEXT);
  }

  @Test
  @DisplayName("prod mode logs JSON unless told otherwise")
  void prodLogsJson() {
    assertThat(load(Map.of(), prod()).logging().json()).isTrue();
    assertThat(load(Map.of("TOKENGATE_LOGGING_FORMAT", "text"), prod()).logging().json()).isFalse();
  }

  @Test
  @DisplayName("every new key can be set from the environment")
  void environment() {
    GatewayConfig config = load(Map.of(
        "TOKENGATE_MANAGEMENT_HOST", "127.0.0.2",
        "TOKENGATE_MANAGEMENT_PORT", "9191",
        "TOKENGATE_HTTP_SHUTDOWN_TIMEOUT", "PT5S",
        "TOKENGATE_HOUSEKEEPING_INTERVAL", "PT10M",
        "TOKENGATE_HOUSEKEEPING_BATCH_SIZE", "50",
        "TOKENGATE_LOGGING_FORMAT", "json"), new JsonObject());
    assertThat(config.management()).isEqualTo(new ManagementConfig("127.0.0.2", 9191, true));
    assertThat(config.http().shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.housekeeping()).isEqualTo(new HousekeepingConfig(Duration.ofMinutes(10), 50));
    assertThat(config.logging().json()).isTrue();
  }

  @Test
  @DisplayName("bad values stop start-up with a message naming the key")
  void validation() {
    assertThatThrownBy(() -> load(Map.of("TOKENGATE_LOGGING_FORMAT", "xml"), new JsonObject()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("logging.format: must be one of json, text");
    assertThatThrownBy(() -> load(Map.of("TOKENGATE_MANAGEMENT_PORT", "70000"), new JsonObject()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("management.port: must be between 0 and 65535");
    assertThatThrownBy(() -> load(Map.of("TOKENGATE_HOUSEKEEPING_INTERVAL", "PT0.5S"), new JsonObject()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("housekeeping.interval: must be at least");
    assertThatThrownBy(() -> load(Map.of("TOKENGATE_HOUSEKEEPING_BATCH_SIZE", "0"), new JsonObject()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("housekeeping.batch_size:");
    assertThatThrownBy(() -> load(Map.of("TOKENGATE_HTTP_SHUTDOWN_TIMEOUT", "soon"), new JsonObject()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.shutdown_timeout: not an ISO-8601 duration");
    assertThatThrownBy(() -> load(Map.of(), new JsonObject().put("management", new JsonObject().put("prot", 1))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("management.prot: unknown key");
  }
}
