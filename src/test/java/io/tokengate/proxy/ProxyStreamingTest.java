package io.tokengate.proxy;

import io.tokengate.support.LargeBody;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestTokens;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Bodies and protocols: streaming both ways, chunked encoding, WebSockets")
class ProxyStreamingTest {

  private static final long LARGE = 128L * 1024 * 1024;

  private static UpstreamServer echo;
  private static UpstreamServer api;
  private static TestGateway gateway;
  private static Vertx vertx;
  private static String token;

  @BeforeAll
  static void start() {
    echo = UpstreamServer.echo("echo");
    api = UpstreamServer.json("api");
    JsonArray routes = new JsonArray()
        .add(new JsonObject().put("name", "echo").put("path", "/api/echo/").put("upstream", echo.url()))
        .add(new JsonObject().put("name", "api").put("path", "/api/ws/").put("upstream", api.url()));
    gateway = TestGateway.start(new JsonObject().put("routes", routes));
    vertx = Vertx.vertx();
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
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("an HTTP/1.0 client gets a chunked upstream answer with a Content-Length and no chunked encoding")
  void http10Client() throws Exception {
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
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @DisplayName("a 128 MB chunked body streams to the upstream and back intact, the answer starting before the upload ends")
  void largeBodyBothWays() throws Exception {
    LargeBody.RoundTrip trip = LargeBody.post(vertx, gateway.port(), "/api/echo/upload", token, LARGE);
    assertThat(trip.status()).isEqualTo(200);
    assertThat(trip.received()).isEqualTo(LARGE);
    assertThat(trip.receivedCrc()).isEqualTo(trip.sentCrc());
    // the answer began while the upload was still running: neither direction was buffered whole
    assertThat(trip.sentAtFirstAnswer()).isBetween(1L, LARGE - 1);
    UpstreamServer.Seen seen = echo.last();
    assertThat(seen.header("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(seen.headers().fieldNames()).doesNotContain("content-length");
    assertThat(seen.header("X-Auth-User-Id")).isEqualTo("42");
  }

  @Test
  @DisplayName("a body with Content-Length reaches the upstream with that length")
  void fixedLength() {
    WebClient client = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> response = client.post(gateway.port(), "127.0.0.1", "/api/ws/plain")
          .putHeader("Authorization", "Bearer " + token)
          .sendBuffer(Buffer.buffer(new byte[1_000_000])).await();
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getInteger("body_length")).isEqualTo(1_000_000);
      assertThat(api.last().header("Content-Length")).isEqualTo("1000000");
    } finally {
      client.close();
    }
  }

  @Test
  @DisplayName("a WebSocket with a valid token is upgraded and echoed through; the upstream sees the identity")
  void webSocketWithToken() throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port())
          .setURI("/api/ws/chat").addHeader("Authorization", "Bearer " + token).addHeader("X-Auth-User-Id", "1")).await();
      CompletableFuture<String> echoed = new CompletableFuture<>();
      socket.textMessageHandler(echoed::complete);
      socket.writeTextMessage("hello through the gateway");
      assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("hello through the gateway");
      socket.close().await();
      UpstreamServer.Seen seen = api.last();
      assertThat(seen.method()).isEqualTo("WEBSOCKET");
      assertThat(seen.uri()).isEqualTo("/api/ws/chat");
      assertThat(seen.header("X-Auth-User-Id")).isEqualTo("42");
      assertThat(seen.headers().fieldNames()).doesNotContain("authorization");
    } finally {
      client.close().await();
    }
  }

  @Test
  @DisplayName("a WebSocket without a token is refused with 401 before reaching the upstream")
  void webSocketWithoutToken() {
    api.clear();
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      assertThatThrownBy(() -> client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port())
          .setURI("/api/ws/chat")).await())
          .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
      assertThat(api.seen()).isEmpty();
    } finally {
      client.close().await();
    }
  }
}
