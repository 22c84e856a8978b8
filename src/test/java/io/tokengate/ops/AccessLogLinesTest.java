package io.tokengate.ops;

import io.tokengate.support.ChildGateway;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Poll;
import io.tokengate.support.Scrape;
import io.tokengate.support.TestDatabase;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestTokens;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access log as a process writes it: a gateway in its own JVM serves N requests (proxied and
 * router-served), is stopped with SIGTERM, and its stdout must hold exactly N access lines, one per
 * request id, with the right fields; none dropped.
 */
class AccessLogLinesTest {

  private static final int PROXIED = 300;
  private static final int ROUTED = 50;
  private static final Pattern MANAGEMENT = Pattern.compile("management on http://[^:]+:(\\d+)");

  private record Served(List<String> output, Set<String> proxiedIds, Set<String> routedIds, double dropped) {
  }

  private static Served serve(String format, Path dir) throws Exception {
    try (UpstreamServer orders = UpstreamServer.json("orders"); TestDatabase database = TestDatabase.create()) {
      JsonObject config = TestGateway.baseConfig(database)
          .put("logging", new JsonObject().put("format", format))
          .put("routes", new JsonArray().add(new JsonObject().put("name", "orders").put("path", "/api/orders/").put("upstream", orders.url())));
      ChildGateway gateway = ChildGateway.start(config, "128m", dir);
      List<String> proxied = new ArrayList<>();
      List<String> routed = new ArrayList<>();
      double dropped;
      try (HttpTestClient http = new HttpTestClient(gateway.port())) {
        String token = TestTokens.sign(TestTokens.access(42));
        for (int i = 0; i < PROXIED; i++) {
          HttpResponse<Buffer> response = http.get("/api/orders/" + i + "?secret=s" + i, token);
          assertThat(response.statusCode()).isEqualTo(200);
          proxied.add(response.getHeader("X-Request-Id"));
        }
        Matcher management = gateway.output().stream().map(MANAGEMENT::matcher).filter(Matcher::find).findFirst().orElseThrow();
        try (HttpTestClient metrics = new HttpTestClient(Integer.parseInt(management.group(1)))) {
          dropped = new Scrape(metrics.get("/metrics", null).bodyAsString()).value("tokengate_access_log_dropped_total");
        }
        // the last requests right before SIGTERM: their lines may still be queued when the process is told to stop
        for (int i = 0; i < ROUTED; i++) {
          HttpResponse<Buffer> response = http.get("/api/token/verify/", null);
          assertThat(response.statusCode()).isEqualTo(405);
          routed.add(response.getHeader("X-Request-Id"));
        }
        // SIGTERM without closing our end of its stdout (Process.destroy would): an orderly stop, whose last
        // step writes the queued access-log lines
        ProcessHandle process = ProcessHandle.of(gateway.pid()).orElseThrow();
        process.destroy();
        process.onExit().get(30, TimeUnit.SECONDS);
        // the process has exited; its last lines may still be in the pipe on their way to ChildGateway's reader
        // (written before "tokengate stopped", the last line of an orderly stop)
        Poll.until(Duration.ofSeconds(10), "the stopped gateway's output read to its end",
            () -> gateway.output().stream().anyMatch(line -> line.contains("tokengate stopped")));
      } finally {
        gateway.close();
      }
      return new Served(gateway.output(), Set.copyOf(proxied), Set.copyOf(routed), dropped);
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @DisplayName("json: N requests leave exactly N access lines with the right fields, all written by the time the process exits")
  void jsonLines(@TempDir Path dir) throws Exception {
    Served served = serve("json", dir);
    List<JsonObject> lines = served.output().stream()
        .filter(line -> line.startsWith("{") && line.contains("\"logger\":\"tokengate.access\""))
        .map(JsonObject::new)
        .toList();
    assertThat(lines).hasSize(PROXIED + ROUTED);
    assertThat(lines.stream().map(line -> line.getString("request_id")).collect(Collectors.toSet()))
        .hasSize(PROXIED + ROUTED).containsAll(served.proxiedIds()).containsAll(served.routedIds());
    for (JsonObject line : lines) {
      boolean proxied = served.proxiedIds().contains(line.getString("request_id"));
      assertThat(line.getString("level")).isEqualTo("INFO");
      assertThat(line.getString("method")).isEqualTo("GET");
      assertThat(line.getString("client")).isEqualTo("127.0.0.1");
      assertThat(line.getDouble("duration_ms")).isNotNull();
      assertThat(line.getString("path")).matches(proxied ? "/api/orders/\\d+" : "/api/token/verify/");
      assertThat(line.getInteger("status")).isEqualTo(proxied ? 200 : 405);
      assertThat(line.getLong("bytes")).isPositive();
      assertThat(line.getString("user_id")).isEqualTo(proxied ? "42" : null);
      if (proxied) {
        assertThat(line.getString("upstream")).matches("http://127\\.0\\.0\\.1:\\d+/?");
      } else {
        assertThat(line.containsKey("upstream")).isFalse();
      }
      assertThat(line.containsKey("aborted")).isFalse();
    }
    assertThat(String.join("\n", served.output())).doesNotContain("secret=");
    assertThat(served.dropped()).isZero();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @DisplayName("text: N requests leave exactly N readable access lines")
  void textLines(@TempDir Path dir) throws Exception {
    Served served = serve("text", dir);
    Pattern access = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  access - 127\\.0\\.0\\.1 GET (\\S+) (\\d{3}) \\d+B [0-9.]+ms id=(\\S+)(.*)");
    List<Matcher> lines = served.output().stream().map(access::matcher).filter(Matcher::matches).toList();
    assertThat(lines).as(() -> "lines that are not access lines:\n" + String.join("\n", served.output().stream()
        .filter(line -> !access.matcher(line).matches()).toList())).hasSize(PROXIED + ROUTED);
    assertThat(lines.stream().map(line -> line.group(3)).collect(Collectors.toSet()))
        .hasSize(PROXIED + ROUTED).containsAll(served.proxiedIds()).containsAll(served.routedIds());
    for (Matcher line : lines) {
      boolean proxied = served.proxiedIds().contains(line.group(3));
      assertThat(line.group(1)).matches(proxied ? "/api/orders/\\d+" : "/api/token/verify/");
      assertThat(line.group(2)).isEqualTo(proxied ? "200" : "405");
      assertThat(line.group(4)).matches(proxied ? " user=42 upstream=http://127\\.0\\.0\\.1:\\d+/?" : "");
    }
    assertThat(served.dropped()).isZero();
  }
}
