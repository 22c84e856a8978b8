package io.tokengate.config;

import io.tokengate.support.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Dev mode seeds demo/demo-password and signs with a public key: it must never be reachable from another machine. */
@DisplayName("Dev mode binds loopback only")
class DevModeBindingTest {

  private static GatewayConfig load(JsonObject overrides) {
    return TestGateway.config(overrides);
  }

  private static void refused(JsonObject overrides, String message) {
    assertThatThrownBy(() -> load(overrides)).isInstanceOf(ConfigException.class).hasMessageStartingWith(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  @DisplayName("dev mode refuses a wildcard, a LAN address or a host name for http.host and management.host")
  void nonLoopbackRefused() {
    for (String host : new String[] {"0.0.0.0", "::", "[::]", "192.168.1.10", "10.0.0.1", "fd00::1", "::ffff:10.0.0.1", "example.com"}) {
      refused(new JsonObject().put("http", new JsonObject().put("host", host)),
          "http.host: dev mode listens on loopback only (127.0.0.1, ::1, localhost), not " + host);
      refused(new JsonObject().put("management", new JsonObject().put("host", host)),
          "management.host: dev mode listens on loopback only");
    }
  }

  @Test
  @DisplayName("dev mode takes loopback addresses; prod mode may bind a wildcard")
  void loopbackAccepted() {
    for (String host : new String[] {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"}) {
      GatewayConfig config = load(new JsonObject().put("http", new JsonObject().put("host", host))
          .put("management", new JsonObject().put("host", host)));
      assertThat(config.http().host()).isEqualTo(host);
      assertThat(config.management().host()).isEqualTo(host);
    }
    assertThat(load(new JsonObject().put("http", new JsonObject().put("host", ""))).http().host()).isEqualTo("127.0.0.1");
    GatewayConfig prod = load(new JsonObject().put("mode", "prod")
        .put("http", new JsonObject().put("host", "0.0.0.0").put("behind_proxy", true))
        .put("management", new JsonObject().put("host", "0.0.0.0"))
        .put("database", new JsonObject().put("url", "postgresql://u@h/d"))
        .put("jwt", new JsonObject().put("signing_key", TestGateway.SIGNING_KEY)));
    assertThat(prod.http().host()).isEqualTo("0.0.0.0");
    assertThat(prod.management().host()).isEqualTo("0.0.0.0");
  }
}
