package io.tokengate.proxy;

import io.tokengate.support.Poll;
import io.tokengate.support.RawClient;
import io.tokengate.support.RawUpstream;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile client against a real gateway, each attack byte for byte on a raw socket, with a
 * raw-socket upstream recording what reaches it: paths, identity headers, Expect, upgrades with a
 * body, Host, and an HTTP/1.0 client that does not read a streaming answer.
 */
@DisplayName("Hostile client at the edge: paths, identity headers, Expect, upgrades, Host, unread HTTP/1.0 answers")
class HostileEdgeTest {

  private static final int STREAM_TOTAL = 64 * 1024 * 1024;
  private static final AtomicLong streamed = new AtomicLong();
  private static final AtomicLong lastProgress = new AtomicLong(System.nanoTime());

  private static RawUpstream upstream;
  private static RawUpstream streaming;
  private static RawUpstream finite;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    upstream = RawUpstream.start();
    streaming = RawUpstream.start((head, out) -> {
      out.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      while (streamed.get() < STREAM_TOTAL) {
        out.write(chunk);
        streamed.addAndGet(0x10000);
        lastProgress.set(System.nanoTime());
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    });
    String piece = Integer.toHexString(40_000) + "\r\n" + "y".repeat(40_000) + "\r\n";
    finite = RawUpstream.start(RawUpstream.fixed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + piece + piece + piece + "0\r\n\r\n"));
    JsonArray routes = new JsonArray()
        .add(open("p", "/p/", upstream.url()))
        .add(open("files", "/files/", upstream.url()).put("allow_encoded_slashes", true))
        .add(route("private", "/files/private/", upstream.url()))
        .add(route("secure", "/secure/", upstream.url())
            .put("identity_headers", new JsonObject().put("username", "X-Auth-Username").put("team", "X-Team")))
        .add(open("stream", "/stream/", streaming.url()))
        .add(open("finite", "/finite/", finite.url()));
    gateway = TestGateway.start(new JsonObject().put("routes", routes)
        .put("http", new JsonObject().put("allowed_hosts", new JsonArray().add("127.0.0.1").add("api.example.com"))));
  }

  private static JsonObject route(String name, String path, String upstream) {
    return new JsonObject().put("name", name).put("path", path).put("upstream", upstream);
  }

  private static JsonObject open(String name, String path, String upstream) {
    return route(name, path, upstream).put("auth", "none");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    upstream.close();
    streaming.close();
    finite.close();
  }

  private static String get(String target, String extraHeaders) {
    return RawClient.exchange(gateway.port(), "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders
        + "Connection: close\r\n\r\n");
  }

  private static String lastHead() {
    return upstream.heads().get(upstream.heads().size() - 1);
  }

  private static void assertJson400(String answer) {
    assertThat(answer).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/json").contains("\"detail\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/p/..;/api/hello/", "/p/..%2Fapi/hello/", "/p/..%5capi%5chello/", "/p/..\\api\\hello/",
      "/p/..%2f..%2fapi/hello/", "/p/%2e%2e/api/hello/", "/p/a%00", "/api/token/..;/", "/;jsessionid=1",
      "/files/private%2Fsecret", "/files/..%2Fp/x"})
  @DisplayName("a path with ';', '\\\\', an encoded slash, %00 or an encoded dot: JSON 400 before routing, nothing forwarded")
  void pathsRefused(String path) {
    int before = upstream.heads().size();
    assertJson400(get(path, ""));
    assertThat(upstream.heads()).hasSize(before);
  }

  @Test
  @DisplayName("allow_encoded_slashes: the route matches and forwards the very bytes it checked")
  void encodedSlashesAllowed() {
    int before = upstream.heads().size();
    assertThat(get("/files/a%2Fb?q=1", "")).startsWith("HTTP/1.1 200");
    Poll.until(Duration.ofSeconds(5), "the request upstream", () -> upstream.heads().size() == before + 1);
    assertThat(lastHead()).startsWith("GET /files/a%2Fb?q=1 HTTP/1.1\r\n");
  }

  @Test
  @DisplayName("identity look-alikes (X_Auth_User_Id, X-Team*) are stripped; a non-ASCII claim arrives RFC 8187-encoded, never lossily")
  void identityHeaders() {
    String token = TestTokens.sign(TestTokens.access(1).put("username", "Āb").put("team", "ops"));
    int before = upstream.heads().size();
    String answer = get("/secure/me", "Authorization: Bearer " + token + "\r\nX_Auth_User_Id: 666\r\nx_auth_username: evil\r\n"
        + "X-Team*: UTF-8''evil\r\nX_Team: evil\r\nX_Forwarded_For: 6.6.6.6\r\nX_Request_Id: evil\r\n");
    assertThat(answer).startsWith("HTTP/1.1 200");
    Poll.until(Duration.ofSeconds(5), "the request upstream", () -> upstream.heads().size() == before + 1);
    String head = lastHead();
    assertThat(head).contains("\r\nX-Auth-User-Id: 1\r\n").contains("\r\nX-Team: ops\r\n")
        .contains("\r\nX-Auth-Username*: UTF-8''%C4%80b\r\n")
        .doesNotContain("666").doesNotContain("evil").doesNotContain("6.6.6.6").doesNotContain("?b");
    String other = TestTokens.sign(TestTokens.access(2).put("username", "ąb"));
    assertThat(get("/secure/me", "Authorization: Bearer " + other + "\r\n")).startsWith("HTTP/1.1 200");
    Poll.until(Duration.ofSeconds(5), "the request upstream", () -> upstream.heads().size() == before + 2);
    assertThat(lastHead()).contains("\r\nX-Auth-Username*: UTF-8''%C4%85b\r\n");
  }

  @Test
  @DisplayName("Expect: 100-continue is answered by the gateway after admission and not forwarded")
  void expectContinue() {
    int before = upstream.heads().size();
    try (RawClient client = new RawClient(gateway.port())) {
      client.send("POST /p/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
          + "Connection: close\r\n\r\n");
      assertThat(client.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 100 Continue");
      client.send("hello");
      assertThat(client.readUntilClosed()).startsWith("HTTP/1.1 200");
    }
    Poll.until(Duration.ofSeconds(5), "the request upstream", () -> upstream.heads().size() == before + 1);
    assertThat(lastHead()).doesNotContainIgnoringCase("expect");
    assertThat(upstream.all()).contains("\r\n\r\nhello");
  }

  @Test
  @DisplayName("Expect: 100-continue on a refused request: the final status, no 100, nothing forwarded")
  void expectRefused() {
    int before = upstream.heads().size();
    try (RawClient client = new RawClient(gateway.port())) {
      client.send("POST /secure/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
      assertThat(client.readUntil("}")).startsWith("HTTP/1.1 401").doesNotContain("100 Continue")
          .containsIgnoringCase("connection: close");
    }
    assertThat(upstream.heads()).hasSize(before);
  }

  @Test
  @DisplayName("a WebSocket upgrade with a body: 400, nothing forwarded")
  void upgradeWithBody() {
    int before = upstream.heads().size();
    String answer = RawClient.exchange(gateway.port(), "GET /p/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + "Content-Length: 5\r\n\r\nhello");
    assertJson400(answer);
    assertThat(upstream.heads()).hasSize(before);
  }

  @Test
  @DisplayName("http.allowed_hosts: another Host (or absolute-form authority) is a JSON 400; an allowed one reaches X-Forwarded-Host")
  void allowedHosts() {
    int before = upstream.heads().size();
    String refused = RawClient.exchange(gateway.port(), "GET /p/x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
    assertJson400(refused);
    assertThat(refused).contains("host_not_allowed");
    assertJson400(RawClient.exchange(gateway.port(),
        "GET http://evil.example/p/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    assertThat(upstream.heads()).hasSize(before);
    String allowed = RawClient.exchange(gateway.port(), "GET /p/x HTTP/1.1\r\nHost: API.example.com:8443\r\nConnection: close\r\n\r\n");
    assertThat(allowed).startsWith("HTTP/1.1 200");
    Poll.until(Duration.ofSeconds(5), "the request upstream", () -> upstream.heads().size() == before + 1);
    assertThat(lastHead()).contains("\r\nX-Forwarded-Host: API.example.com:8443\r\n");
  }

  @Test
  @DisplayName("HTTP/1.0 client that never reads a streaming answer: the upstream is held back, the gateway buffers a bounded amount")
  void unreadHttp10Stream() throws IOException {
    try (Socket client = new Socket()) {
      client.setReceiveBufferSize(8192);
      client.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
      client.setSoTimeout(5000);
      OutputStream out = client.getOutputStream();
      out.write("GET /stream/big HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      Poll.until(Duration.ofSeconds(30), "the upstream to be held back (or to finish)",
          () -> streamed.get() >= STREAM_TOTAL || streamed.get() > 0 && System.nanoTime() - lastProgress.get() > 1_000_000_000L);
      // socket buffers on both sides plus the gateway's write queue: a few MB, not the 64 MB body
      assertThat(streamed.get()).isLessThan(16L * 1024 * 1024);
      InputStream in = client.getInputStream();
      byte[] start = in.readNBytes(200);
      String head = new String(start, StandardCharsets.ISO_8859_1);
      assertThat(head).startsWith("HTTP/1.0 200").doesNotContainIgnoringCase("content-length")
          .doesNotContainIgnoringCase("transfer-encoding");
    }
  }

  @Test
  @DisplayName("HTTP/1.0 client, answer of unknown length over 64 KiB: streamed whole and ended by closing the connection")
  void http10CloseDelimited() {
    String answer = RawClient.exchange(gateway.port(), "GET /finite/x HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
    String head = answer.substring(0, answer.indexOf("\r\n\r\n") + 4);
    assertThat(head).startsWith("HTTP/1.0 200").doesNotContainIgnoringCase("content-length")
        .doesNotContainIgnoringCase("transfer-encoding").containsIgnoringCase("\r\nconnection: close\r\n")
        .doesNotContainIgnoringCase("keep-alive");
    assertThat(answer.substring(head.length())).isEqualTo("y".repeat(120_000));
  }
}
