package io.tokengate.proxy;

import io.tokengate.support.LargeBody;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestTokens;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Bodies and protocols: streaming both ways, chunked encoding, WebSockets")
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ProxyStreamingTest {

  private static final long LARGE = 128L * 1024 * 1024;

  private static UpstreamServer echo;
  private static UpstreamServer api;
  private static TestGateway gateway;
  private static Vertx vertx;
  private static WebSocketClient webSockets;
  private static String token;

  @BeforeAll
  static void start(Vertx testVertx) {
    echo = UpstreamServer.echo("echo");
    api = UpstreamServer.json("api");
    JsonArray routes = new JsonArray()
        .add(new JsonObject().put("name", "echo").put("path", "/api/echo/").put("upstream", echo.url()))
        .add(new JsonObject().put("name", "api").put("path", "/api/ws/").put("upstream", api.url()));
    gateway = TestGateway.start(new JsonObject().put("routes", routes));
    vertx = testVertx;
    webSockets = vertx.createWebSocketClient();
    token = TestTokens.sign(TestTokens.access(42));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {gateway, echo, api}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    if (webSockets != null) {
      webSockets.close().await();
    }
  }

  @Test
  @DisplayName("an HTTP/1.0 client gets a chunked upstream answer with a Content-Length and no chunked encoding")
  void http10Client() throws Exception {
    // a raw socket on the JUnit thread: the bytes of an HTTP/1.0 exchange, exactly as sent and received
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(10_000);
      String request = "POST /api/echo/old HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
          + "\r\nContent-Length: 11\r\n\r\nhello world";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
      String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
      assertThat(head).startsWith("http/1.0 200").contains("content-length: 11").doesNotContain("transfer-encoding");
      assertThat(answer).endsWith("\r\n\r\nhello world");
    }
  }

  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a 128 MB chunked body streams to the upstream and back intact, the answer starting before the upload ends")
  void largeBodyBothWays(VertxTestContext ctx) {
    LargeBody.send(vertx, gateway.port(), "/api/echo/upload", token, LARGE).onComplete(ctx.succeeding(trip -> ctx.verify(() -> {
      assertThat(trip.status()).isEqualTo(200);
      assertThat(trip.received()).isEqualTo(LARGE);
      assertThat(trip.receivedCrc()).isEqualTo(trip.sentCrc());
      // the answer began while the upload was still running: neither direction was buffered whole
      assertThat(trip.sentAtFirstAnswer()).isBetween(1L, LARGE - 1);
      UpstreamServer.Seen seen = echo.last();
      assertThat(seen.header("Transfer-Encoding")).isEqualTo("chunked");
      assertThat(seen.headers().fieldNames()).doesNotContain("content-length");
      assertThat(seen.header("X-Auth-User-Id")).isEqualTo("42");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a body with Content-Length reaches the upstream with that length")
  void fixedLength(VertxTestContext ctx) {
    WebClient client = WebClient.create(vertx);
    client.post(gateway.port(), "127.0.0.1", "/api/ws/plain")
        .putHeader("Authorization", "Bearer " + token)
        .sendBuffer(Buffer.buffer(new byte[1_000_000]))
        .eventually(() -> {
          client.close();
          return Future.succeededFuture();
        })
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.bodyAsJsonObject().getInteger("body_length")).isEqualTo(1_000_000);
          assertThat(api.last().header("Content-Length")).isEqualTo("1000000");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a WebSocket with a valid token is upgraded and echoed through; the upstream sees the identity")
  void webSocketWithToken(VertxTestContext ctx) {
    Checkpoint echoed = ctx.checkpoint();
    webSockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port())
            .setURI("/api/ws/chat").addHeader("Authorization", "Bearer " + token).addHeader("X-Auth-User-Id", "1"))
        .onComplete(ctx.succeeding(socket -> {
          socket.textMessageHandler(message -> ctx.verify(() -> {
            assertThat(message).isEqualTo("hello through the gateway");
            UpstreamServer.Seen seen = api.last();
            assertThat(seen.method()).isEqualTo("WEBSOCKET");
            assertThat(seen.uri()).isEqualTo("/api/ws/chat");
            assertThat(seen.header("X-Auth-User-Id")).isEqualTo("42");
            assertThat(seen.headers().fieldNames()).doesNotContain("authorization");
            socket.close().onComplete(ctx.succeeding(closed -> echoed.flag()));
          }));
          socket.writeTextMessage("hello through the gateway");
        }));
  }

  @Test
  @DisplayName("a WebSocket without a token is refused with 401 before reaching the upstream")
  void webSocketWithoutToken(VertxTestContext ctx) {
    api.clear();
    webSockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI("/api/ws/chat"))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertThat(e).isInstanceOfSatisfying(UpgradeRejectedException.class, rejected -> assertThat(rejected.getStatus()).isEqualTo(401));
          assertThat(api.seen()).isEmpty();
          ctx.completeNow();
        })));
  }
}
