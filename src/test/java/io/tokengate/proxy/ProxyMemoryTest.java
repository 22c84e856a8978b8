package io.tokengate.proxy;

import io.tokengate.support.ChildGateway;
import io.tokengate.support.LargeBody;
import io.tokengate.support.TestDatabase;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestTokens;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Streaming memory bound")
class ProxyMemoryTest {

  private static final long BODY = 160L * 1024 * 1024;
  private static final String HEAP = "64m";

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  @DisplayName("a gateway with a 64 MB heap streams a 160 MB body both ways intact")
  void boundedHeap(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (UpstreamServer echo = UpstreamServer.echo("echo"); TestDatabase database = TestDatabase.create()) {
      JsonObject config = TestGateway.baseConfig(database)
          .put("http", new JsonObject().put("port", 0).put("instances", 1))
          .put("routes", new JsonArray().add(new JsonObject().put("name", "echo").put("path", "/api/echo/").put("upstream", echo.url())));
      try (ChildGateway gateway = ChildGateway.start(config, HEAP, dir)) {
        LargeBody.RoundTrip trip = LargeBody.post(vertx, gateway.port(), "/api/echo/big", TestTokens.sign(TestTokens.access(1)), BODY);
        assertThat(trip.status()).as(String.join("\n", gateway.output())).isEqualTo(200);
        assertThat(trip.received()).isEqualTo(BODY);
        assertThat(trip.receivedCrc()).isEqualTo(trip.sentCrc());
        assertThat(gateway.isAlive()).isTrue();
        assertThat(gateway.output()).noneMatch(line -> line.contains("OutOfMemoryError"));
      }
    } finally {
      vertx.close().await();
    }
  }
}
