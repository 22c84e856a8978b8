package io.tokengate.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tokengate.config.ConfigException;
import io.tokengate.config.GatewayConfig;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestDatabase;
import io.tokengate.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS with HTTP/2, the prod-mode binding rule, and logs that never carry a secret. */
class TlsAndHygieneTest {

  @Test
  @DisplayName("with http.tls the gateway serves HTTPS and negotiates HTTP/2")
  void tls(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=127.0.0.1")
        .redirectErrorStream(true).start();
    assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(openssl.exitValue()).isZero();
    try (TestGateway gateway = TestGateway.start(new JsonObject().put("http", new JsonObject()
        .put("tls", new JsonObject().put("cert_file", cert.toString()).put("key_file", key.toString()))))) {
      Vertx vertx = Vertx.vertx();
      try {
        WebClient client = WebClient.create(vertx, new WebClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
            .setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2));
        HttpResponse<Buffer> response = client.post(gateway.port(), "127.0.0.1", "/api/token/")
            .sendJsonObject(new JsonObject().put("username", "demo").put("password", "demo-password")).await();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
      } finally {
        vertx.close().await();
      }
    }
  }

  @Test
  @DisplayName("prod mode refuses plain HTTP on 0.0.0.0 unless http.behind_proxy is set")
  void prodBinding() {
    try (TestDatabase database = TestDatabase.create()) {
      JsonObject prod = TestGateway.baseConfig(database).put("mode", "prod");
      prod.getJsonObject("http").put("host", "0.0.0.0");
      assertThatThrownBy(() -> TestGateway.config(prod.copy()))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("http.host: binding 0.0.0.0 in prod mode needs TLS");
      prod.getJsonObject("http").put("behind_proxy", true);
      GatewayConfig config = TestGateway.config(prod);
      assertThat(config.http().behindProxy()).isTrue();
    }
  }

  @Test
  @DisplayName("a whole session leaves no token, password or key in the logs")
  void noSecretsInLogs() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    root.addAppender(appender);
    ch.qos.logback.classic.Level level = root.getLevel();
    root.setLevel(ch.qos.logback.classic.Level.DEBUG);
    List<String> secrets = new java.util.ArrayList<>(List.of("demo-password", "wrong-secret-pw", TestGateway.SIGNING_KEY));
    try (TestGateway gateway = TestGateway.start(new JsonObject()); HttpTestClient http = new HttpTestClient(gateway.port())) {
      JsonObject pair = http.login("demo", "demo-password");
      secrets.add(pair.getString("access"));
      secrets.add(pair.getString("refresh"));
      http.postJson("/api/token/", new JsonObject().put("username", "demo").put("password", "wrong-secret-pw"));
      JsonObject next = http.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh"))).bodyAsJsonObject();
      secrets.add(next.getString("access"));
      http.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh")));
      http.postJson("/api/token/verify/", new JsonObject().put("token", next.getString("access")));
      http.postJson("/api/token/blacklist/", new JsonObject().put("refresh", next.getString("refresh")));
      http.postRaw("/api/token/", "application/json", "{\"password\": \"wrong-secret-pw\", ");
      http.client().get("/api/hello/").putHeader("Authorization", "Bearer " + next.getString("access")).send().await();
      assertThat(gateway.gateway().config().toString()).doesNotContain(TestGateway.SIGNING_KEY);
    } finally {
      root.detachAppender(appender);
      root.setLevel(level);
    }
    assertThat(appender.list).as("something was logged").isNotEmpty();
    for (ILoggingEvent event : appender.list) {
      String text = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
      for (String secret : secrets) {
        assertThat(text).as("log line from %s", event.getLoggerName()).doesNotContain(secret);
      }
    }
  }
}
