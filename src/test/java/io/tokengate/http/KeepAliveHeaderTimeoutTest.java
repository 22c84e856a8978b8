package io.tokengate.http;

import io.tokengate.support.RawClient;
import io.tokengate.support.RawUpstream;
import io.tokengate.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** http.header_timeout bounds every request head of a keep-alive connection, not only the first. */
@DisplayName("Header timeout on every request head of a keep-alive connection")
class KeepAliveHeaderTimeoutTest {

  private static RawUpstream upstream;
  private static RawUpstream slow;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    upstream = RawUpstream.start();
    slow = RawUpstream.start((head, out) -> {
      try {
        Thread.sleep(1500); // an upstream slower than the header timeout
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.write(RawUpstream.OK.getBytes(StandardCharsets.ISO_8859_1));
    });
    gateway = TestGateway.start(new JsonObject()
        .put("http", new JsonObject().put("header_timeout", "PT0.5S"))
        .put("routes", new JsonArray()
            .add(new JsonObject().put("name", "p").put("path", "/p/").put("upstream", upstream.url()).put("auth", "none"))
            .add(new JsonObject().put("name", "slow").put("path", "/slow/").put("upstream", slow.url()).put("auth", "none"))));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    upstream.close();
    slow.close();
  }

  @Test
  @DisplayName("a second request head trickled one byte at a time: the connection closes within the header timeout, unanswered")
  void trickledSecondHead() throws IOException {
    try (RawClient client = new RawClient(gateway.port())) {
      client.send("GET /p/first HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertThat(client.readUntil("\r\n\r\nok")).startsWith("HTTP/1.1 200");
      long start = System.nanoTime();
      byte[] head = "GET /p/second HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1);
      OutputStream out = client.socket().getOutputStream();
      InputStream in = client.socket().getInputStream();
      client.socket().setSoTimeout(200);
      boolean closed = false;
      for (int i = 0; i < head.length - 4 && !closed; i++) {
        try {
          out.write(head[i]);
          out.flush();
        } catch (IOException e) {
          closed = true;
          break;
        }
        try {
          // the 200 ms read timeout paces the trickle; -1: the gateway closed the connection
          closed = in.read() == -1;
        } catch (SocketTimeoutException e) {
          // still open: next byte
        } catch (IOException e) {
          closed = true;
        }
      }
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(closed).as("closed before the head was complete").isTrue();
      assertThat(elapsedMillis).isLessThan(3_000);
    }
  }

  @Test
  @DisplayName("requests that arrive promptly on a keep-alive connection are served, also when the upstream is slower than the header timeout")
  void promptRequestsServed() {
    try (RawClient client = new RawClient(gateway.port())) {
      client.send("GET /slow/a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertThat(client.readUntil("\r\n\r\nok")).startsWith("HTTP/1.1 200");
      client.send("GET /p/b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      assertThat(client.readUntilClosed()).startsWith("HTTP/1.1 200");
    }
  }
}
