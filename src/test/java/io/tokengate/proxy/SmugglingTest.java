package io.tokengate.proxy;

import io.tokengate.support.Poll;
import io.tokengate.support.RawClient;
import io.tokengate.support.RawUpstream;
import io.tokengate.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request smuggling, byte for byte against a raw-socket upstream that parses what it receives as a
 * server would: the gateway decides the framing of what it sends, refuses requests framed two ways,
 * and never relays an answer framed two ways.
 */
@DisplayName("Request smuggling: framing is the gateway's, ambiguous framing is refused both ways")
class SmugglingTest {

  private static final String SMUGGLED = "GET /p/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

  private static RawUpstream upstream;
  private static RawUpstream bothAnswer;
  private static RawUpstream badLengthAnswer;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    upstream = RawUpstream.start();
    bothAnswer = RawUpstream.start(RawUpstream.fixed(
        "HTTP/1.0 200 OK\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"
            + "2a\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nevil!\r\n0\r\n\r\n"));
    badLengthAnswer = RawUpstream.start(RawUpstream.fixed("HTTP/1.1 200 OK\r\nContent-Length: 2, 40\r\n\r\nok"));
    JsonArray routes = new JsonArray()
        .add(open("p", "/p/", upstream.url()))
        .add(open("both", "/both/", bothAnswer.url()))
        .add(open("badlength", "/badlength/", badLengthAnswer.url()));
    gateway = TestGateway.start(new JsonObject().put("routes", routes));
  }

  private static JsonObject open(String name, String path, String upstream) {
    return new JsonObject().put("name", name).put("path", path).put("upstream", upstream).put("auth", "none");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    upstream.close();
    bothAnswer.close();
    badLengthAnswer.close();
  }

  private static String chunk(String data) {
    return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
  }

  private static void assertRefusedAndClosed(String answer) {
    assertThat(answer).startsWith("HTTP/1.");
    assertThat(answer.substring(0, 12)).endsWith("400");
    assertThat(answer).containsIgnoringCase("content-type: application/json").contains("\"detail\"");
  }

  @Test
  @DisplayName("HTTP/1.0 POST with Content-Length: 4 and Transfer-Encoding: chunked: 400, connection closed, nothing reaches the upstream")
  void http10BothLengths() {
    int before = upstream.heads().size();
    String answer = RawClient.exchange(gateway.port(), "POST /p/x HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n"
        + "Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n" + chunk(SMUGGLED) + "0\r\n\r\n");
    assertRefusedAndClosed(answer);
    assertThat(upstream.heads()).hasSize(before);
    assertThat(upstream.all()).doesNotContain("/p/smuggled");
  }

  @Test
  @DisplayName("HTTP/1.1 request with both Transfer-Encoding and Content-Length: 400, connection closed, nothing reaches the upstream")
  void http11BothLengths() {
    int before = upstream.heads().size();
    String answer = RawClient.exchange(gateway.port(), "POST /p/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n" + chunk(SMUGGLED) + "0\r\n\r\n");
    assertRefusedAndClosed(answer);
    assertThat(upstream.heads()).hasSize(before);
    assertThat(upstream.all()).doesNotContain("/p/smuggled");
  }

  @Test
  @DisplayName("Transfer-Encoding on HTTP/1.0, or other than exactly chunked: 400, connection closed, nothing forwarded")
  void badTransferEncodings() {
    int before = upstream.heads().size();
    assertRefusedAndClosed(RawClient.exchange(gateway.port(), "POST /p/x HTTP/1.0\r\nHost: 127.0.0.1\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n" + chunk("abcd") + "0\r\n\r\n"));
    assertRefusedAndClosed(RawClient.exchange(gateway.port(), "POST /p/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunk("abcd") + "0\r\n\r\n"));
    assertRefusedAndClosed(RawClient.exchange(gateway.port(), "POST /p/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n" + chunk("abcd") + "0\r\n\r\n"));
    assertThat(upstream.heads()).hasSize(before);
  }

  @Test
  @DisplayName("a body's upstream framing comes from what the gateway parsed: its own Content-Length, or chunked")
  void gatewayFraming() {
    int before = upstream.heads().size();
    try (RawClient client = new RawClient(gateway.port())) {
      client.send("POST /p/length HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello");
      assertThat(client.readUntil("ok")).startsWith("HTTP/1.1 200");
      client.send("POST /p/chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
          + chunk("hel") + chunk("lo") + "0\r\n\r\n");
      assertThat(client.readUntilClosed()).startsWith("HTTP/1.1 200");
    }
    Poll.until(Duration.ofSeconds(5), "both requests upstream", () -> upstream.heads().size() == before + 2);
    assertThat(upstream.heads().get(before)).contains("POST /p/length ").containsIgnoringCase("content-length: 5\r\n")
        .doesNotContainIgnoringCase("transfer-encoding");
    assertThat(upstream.heads().get(before + 1)).contains("POST /p/chunked ").containsIgnoringCase("transfer-encoding: chunked\r\n")
        .doesNotContainIgnoringCase("content-length");
    assertThat(upstream.all()).contains("\r\n\r\nhello").contains("\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n");
  }

  @Test
  @DisplayName("an upstream answer with both Content-Length and Transfer-Encoding: 502, and that connection is not reused")
  void answerWithBothLengths() {
    String first = RawClient.exchange(gateway.port(), "GET /both/a HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assertThat(first).startsWith("HTTP/1.1 502").contains("upstream_unavailable").doesNotContain("evil!");
    int connections = bothAnswer.connections();
    String second = RawClient.exchange(gateway.port(), "GET /both/b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assertThat(second).startsWith("HTTP/1.1 502").doesNotContain("evil!");
    assertThat(bothAnswer.connections()).isEqualTo(connections + 1);
  }

  @Test
  @DisplayName("an upstream answer with an invalid Content-Length: 502, and that connection is not reused")
  void answerWithBadLength() {
    String first = RawClient.exchange(gateway.port(), "GET /badlength/a HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assertThat(first).startsWith("HTTP/1.1 502").contains("application/json");
    int connections = badLengthAnswer.connections();
    String second = RawClient.exchange(gateway.port(), "GET /badlength/b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assertThat(second).startsWith("HTTP/1.1 502");
    assertThat(badLengthAnswer.connections()).isEqualTo(connections + 1);
  }
}
