package io.tokengate.http;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Request and connection limits: each answers with a JSON 4xx or closes the connection, never a 500. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsTest {

  private TestGateway gateway;
  private HttpTestClient http;

  @BeforeAll
  void start() {
    gateway = TestGateway.start(new JsonObject().put("http", new JsonObject()
        .put("max_header_size", 4096)
        .put("header_timeout", "PT0.5S")
        .put("request_timeout", "PT1S")
        .put("max_connections", 8)));
    http = new HttpTestClient(gateway.port());
  }

  @AfterAll
  void stop() {
    http.close();
    gateway.close();
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", gateway.port());
    socket.setSoTimeout(5000);
    return socket;
  }

  /** Reads until the server closes the connection; returns what it sent. */
  private static String readUntilClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  @DisplayName("headers over http.max_header_size get a JSON 431")
  void headersTooLarge() {
    HttpResponse<Buffer> response = http.client().get("/api/token/").putHeader("X-Big", "y".repeat(6000)).send().await();
    assertThat(response.statusCode()).isEqualTo(431);
    assertThat(response.bodyAsJsonObject().getString("detail")).isEqualTo("Request header fields too large.");
  }

  @Test
  @DisplayName("a token-endpoint body over 16 KiB gets a JSON 413")
  void bodyTooLarge() {
    HttpResponse<Buffer> response = http.postRaw("/api/token/", "application/json", "{\"username\":\"" + "a".repeat(17_000) + "\"}");
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
  }

  @Test
  @DisplayName("a connection that never finishes its request head is closed (no slowloris)")
  void slowHeaders() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write("POST /api/token/ HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long started = System.nanoTime();
      String answer = readUntilClosed(socket);
      long waited = (System.nanoTime() - started) / 1_000_000;
      assertThat(answer).doesNotContain("500");
      assertThat(waited).isBetween(300L, 4000L);
    }
  }

  @Test
  @DisplayName("a body that trickles in slower than http.request_timeout gets a JSON 408")
  void slowBody() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/token/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] buffer = new byte[4096];
      int read = socket.getInputStream().read(buffer);
      String answer = new String(buffer, 0, Math.max(read, 0), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 408");
      assertThat(answer).contains("application/json").contains("Request timeout.");
    }
  }

  @Test
  @DisplayName("past http.max_connections new connections are closed at once; the gateway keeps serving")
  void maxConnections() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket socket = connect();
        socket.getOutputStream().write("GET /api/token/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getInputStream().read(new byte[4096]);
        held.add(socket);
      }
      try (Socket extra = connect()) {
        int read;
        try {
          // the gateway may close it before the request is even written (a reset on write): closed all the same
          extra.getOutputStream().write("GET /api/token/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          read = extra.getInputStream().read(new byte[4096]);
        } catch (SocketTimeoutException | java.net.SocketException e) {
          read = -1;
        }
        assertThat(read).as("the ninth connection is closed without an answer").isEqualTo(-1);
      }
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    int status = 0;
    while (System.nanoTime() < deadline && status != 405) {
      try (HttpTestClient fresh = new HttpTestClient(gateway.port())) {
        status = fresh.request(io.vertx.core.http.HttpMethod.GET, "/api/token/").statusCode();
      } catch (RuntimeException e) {
        status = 0;
      }
    }
    assertThat(status).as("serving again once connections closed").isEqualTo(405);
  }
}
