package io.tokengate.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tokengate.config.ConfigException;
import io.tokengate.config.ConfigLoader;
import io.tokengate.config.GatewayConfig;
import io.tokengate.config.HttpConfig.TransportKind;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** http.transport: which transport is chosen, and the one log line when it cannot be. */
class TransportSelectorTest {

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(TransportSelector.class);

  /** A native transport as Vert.x describes one that could not load (or did). */
  private record Fake(String name, boolean available, Throwable unavailabilityCause) implements Transport {
    @Override
    public io.vertx.core.spi.transport.Transport implementation() {
      return null;
    }
  }

  private static final Fake EPOLL_OK = new Fake("epoll", true, null);
  private static final Fake EPOLL_MISSING = new Fake("epoll", false, new UnsatisfiedLinkError("no netty_transport_native_epoll_aarch_64"));
  private static final Fake URING_OK = new Fake("io_uring", true, null);
  private static final Fake URING_BLOCKED = new Fake("io_uring", false, new RuntimeException("failed to create io_uring ring fd: Operation not permitted"));

  @BeforeEach
  void attach() {
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(log);
  }

  private static TransportSelector with(Transport epoll, Transport ioUring) {
    return new TransportSelector(kind -> switch (kind) {
      case EPOLL -> epoll;
      case IO_URING -> ioUring;
      default -> throw new AssertionError("asked for " + kind);
    });
  }

  @Test
  @DisplayName("auto takes io_uring when it loads, and logs nothing")
  void autoPrefersIoUring() {
    assertThat(with(EPOLL_OK, URING_OK).select(TransportKind.AUTO)).isSameAs(URING_OK);
    assertThat(log.list).isEmpty();
  }

  @Test
  @DisplayName("auto takes epoll where io_uring is refused (a seccomp filter), and logs nothing")
  void autoFallsToEpoll() {
    assertThat(with(EPOLL_OK, URING_BLOCKED).select(TransportKind.AUTO)).isSameAs(EPOLL_OK);
    assertThat(log.list).isEmpty();
  }

  @Test
  @DisplayName("auto without io_uring and epoll falls back to nio with one line giving the reasons")
  void autoFallsBack() {
    assertThat(with(null, null).select(TransportKind.AUTO)).isSameAs(Transport.NIO);
    assertThat(with(EPOLL_MISSING, URING_BLOCKED).select(TransportKind.AUTO)).isSameAs(Transport.NIO);
    assertThat(log.list).hasSize(2);
    assertThat(log.list).allSatisfy(line -> assertThat(line.getLevel()).isEqualTo(Level.INFO));
    assertThat(log.list.get(0).getFormattedMessage()).contains("Using the nio transport")
        .contains("epoll: its Netty jar is not on the class path");
    assertThat(log.list.get(1).getFormattedMessage())
        .contains("io_uring: java.lang.RuntimeException: failed to create io_uring ring fd")
        .contains("epoll: java.lang.UnsatisfiedLinkError: no netty_transport_native_epoll_aarch_64");
  }

  @Test
  @DisplayName("a forced transport that cannot load (io_uring refused by seccomp) falls back to nio with one warning")
  void forcedFallsBack() {
    assertThat(with(EPOLL_OK, URING_BLOCKED).select(TransportKind.IO_URING)).isSameAs(Transport.NIO);
    assertThat(log.list).hasSize(1);
    assertThat(log.list.get(0).getLevel()).isEqualTo(Level.WARN);
    assertThat(log.list.get(0).getFormattedMessage()).contains("http.transport io_uring").contains("using nio")
        .contains("Operation not permitted");
  }

  @Test
  @DisplayName("forced transports that load are used as asked; nio never looks at the native ones")
  void forced() {
    assertThat(with(EPOLL_OK, URING_OK).select(TransportKind.IO_URING)).isSameAs(URING_OK);
    assertThat(with(EPOLL_OK, URING_OK).select(TransportKind.EPOLL)).isSameAs(EPOLL_OK);
    assertThat(with(null, null).select(TransportKind.NIO)).isSameAs(Transport.NIO);
    assertThat(log.list).isEmpty();
  }

  @Test
  @DisplayName("http.transport defaults to auto, takes nio/epoll/io_uring (also from TOKENGATE_HTTP_TRANSPORT), refuses anything else naming the key")
  void config() {
    Vertx vertx = Vertx.vertx();
    try {
      ConfigLoader loader = new ConfigLoader(vertx);
      assertThat(GatewayConfig.fromJson(loader.loadJson(null, Map.of()).await()).http().transport()).isEqualTo(TransportKind.AUTO);
      assertThat(GatewayConfig.fromJson(loader.loadJson(null, Map.of("TOKENGATE_HTTP_TRANSPORT", "io_uring")).await()).http().transport())
          .isEqualTo(TransportKind.IO_URING);
      JsonObject nio = loader.loadJson(null, Map.of()).await();
      nio.getJsonObject("http").put("transport", "NIO");
      assertThat(GatewayConfig.fromJson(nio).http().transport()).isEqualTo(TransportKind.NIO);
      assertThatThrownBy(() -> GatewayConfig.fromJson(loader.loadJson(null, Map.of("TOKENGATE_HTTP_TRANSPORT", "rdma")).await()))
          .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.transport: must be one of auto, nio, epoll, io_uring");
    } finally {
      vertx.close().await();
    }
  }
}
