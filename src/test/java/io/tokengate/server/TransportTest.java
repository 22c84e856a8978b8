package io.tokengate.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Scrape;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestTokens;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** A real gateway on each transport: it says which one it runs on (start-up line, /metrics) and serves on it. */
class TransportTest {

  private final ListAppender<ILoggingEvent> startup = new ListAppender<>();
  private final Logger gatewayLogger = (Logger) LoggerFactory.getLogger(Gateway.class);
  private UpstreamServer upstream;

  @BeforeEach
  void start() {
    upstream = UpstreamServer.json("orders");
    startup.start();
    gatewayLogger.addAppender(startup);
  }

  @AfterEach
  void stop() {
    gatewayLogger.detachAppender(startup);
    upstream.close();
  }

  /** Starts a gateway with {@code http.transport} (null: the default), proxies one request, returns what it reports. */
  private String serveOn(String transport) {
    JsonObject http = new JsonObject();
    if (transport != null) {
      http.put("transport", transport);
    }
    try (TestGateway gateway = TestGateway.start(new JsonObject().put("http", http)
        .put("routes", new JsonArray().add(new JsonObject().put("name", "orders").put("path", "/api/orders/").put("upstream", upstream.url()))))) {
      String inUse = gateway.gateway().transport();
      assertThat(((VertxInternal) gateway.gateway().vertx()).isNativeTransportEnabled()).isEqualTo(!inUse.equals("nio"));
      try (HttpTestClient http1 = new HttpTestClient(gateway.port());
           HttpTestClient management = new HttpTestClient(gateway.gateway().managementPort())) {
        assertThat(http1.get("/api/orders/1", TestTokens.sign(TestTokens.access(7))).statusCode()).isEqualTo(200);
        Scrape scrape = new Scrape(management.get("/metrics", null).bodyAsString());
        assertThat(scrape.value("tokengate_transport_info", "transport", inUse)).isEqualTo(1.0);
        assertThat(scrape.text().lines().filter(line -> line.startsWith("tokengate_transport_info{"))).hasSize(1);
      }
      assertThat(startup.list.stream().map(ILoggingEvent::getFormattedMessage).filter(line -> line.startsWith("tokengate listening")))
          .singleElement().asString().endsWith("; transport " + inUse);
      return inUse;
    }
  }

  @Test
  @DisplayName("by default (auto) a Linux gateway runs on io_uring (epoll where it is refused), says so, and serves")
  void autoIsIoUring() {
    assertThat(Transport.EPOLL != null && Transport.EPOLL.available()).as("epoll loads on Linux (the jar carries it)").isTrue();
    assertThat(serveOn(null)).isEqualTo(Transport.IO_URING != null && Transport.IO_URING.available() ? "io_uring" : "epoll");
  }

  @Test
  @DisplayName("http.transport nio forces NIO")
  void forcedNio() {
    assertThat(serveOn("nio")).isEqualTo("nio");
  }

  @Test
  @DisplayName("http.transport io_uring runs on io_uring where the kernel allows it (only when forced)")
  void forcedIoUring() {
    assertThat(Transport.IO_URING != null && Transport.IO_URING.available()).as("io_uring loads on this machine").isTrue();
    assertThat(serveOn("io_uring")).isEqualTo("io_uring");
  }
}
