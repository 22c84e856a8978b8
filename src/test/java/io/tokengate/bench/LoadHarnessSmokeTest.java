package io.tokengate.bench;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.TestGateway;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load harnesses still work against the real gateway: the Gatling journey
 * ({@code src/gatling/java/.../UserJourneySimulation}) replayed in a tiny form with plain
 * WebClients, and {@code wrk} with the shipped Lua script when wrk is installed. No timing
 * assertions: only that the requests were made and all succeeded.
 */
@DisplayName("Load harness smoke test")
class LoadHarnessSmokeTest {

  private static final String PATH = "/api/load/";
  private static final Path WRK = Path.of("/usr/bin/wrk");
  private static final Pattern EXP = Pattern.compile("\"exp\"\\s*:\\s*(\\d+)");

  private static UpstreamServer upstream;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    upstream = UpstreamServer.json("api");
    gateway = TestGateway.start(new JsonObject().put("routes", new JsonArray()
        .add(new JsonObject().put("name", "load").put("path", PATH).put("upstream", upstream.url()))));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  /** What one simulated user did. */
  private record Tally(int journeys, int calls, int refreshes, List<String> failures) {
  }

  @Test
  @DisplayName("two users repeat log in, calls with a refresh (keeping the rotated token), log out, for 2 s, without a failure")
  void journeyWithoutGatling() throws Exception {
    ExecutorService users = Executors.newFixedThreadPool(2);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      List<Future<Tally>> running = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        running.add(users.submit(() -> journeys(deadline)));
      }
      int journeys = 0;
      int calls = 0;
      int refreshes = 0;
      List<String> failures = new ArrayList<>();
      for (Future<Tally> user : running) {
        Tally tally = user.get(60, TimeUnit.SECONDS);
        journeys += tally.journeys();
        calls += tally.calls();
        refreshes += tally.refreshes();
        failures.addAll(tally.failures());
      }
      assertThat(failures).isEmpty();
      assertThat(journeys).isGreaterThanOrEqualTo(2);
      assertThat(calls).isGreaterThanOrEqualTo(journeys * 3);
      assertThat(refreshes).isPositive();
      assertThat(upstream.seen()).hasSizeGreaterThanOrEqualTo(calls);
    } finally {
      users.shutdownNow();
    }
  }

  /**
   * The simulation's journey, on this thread until the deadline. Access tokens live 5 minutes
   * here, so besides the simulation's "near expiry" rule (30 s margin) the second call of every
   * journey refreshes too, as a long Gatling run would; a 401 refreshes and retries once.
   */
  private static Tally journeys(long deadline) {
    long refreshMargin = 30;
    int journeys = 0;
    int calls = 0;
    int refreshes = 0;
    List<String> failures = new ArrayList<>();
    try (HttpTestClient http = new HttpTestClient(gateway.port())) {
      while (System.nanoTime() < deadline && failures.isEmpty()) {
        HttpResponse<Buffer> login = http.postJson("/api/token/",
            new JsonObject().put("username", "demo").put("password", "demo-password"));
        if (!expect(login, 200, "login", failures)) {
          break;
        }
        String access = login.bodyAsJsonObject().getString("access");
        String refresh = login.bodyAsJsonObject().getString("refresh");
        for (int call = 0; call < 3 && failures.isEmpty(); call++) {
          if (call == 1 || expiry(access) - refreshMargin <= System.currentTimeMillis() / 1000) {
            JsonObject pair = refresh(http, refresh, failures);
            if (pair == null) {
              break;
            }
            refreshes++;
            access = pair.getString("access");
            refresh = pair.getString("refresh");
          }
          HttpResponse<Buffer> response = http.get(PATH, access);
          calls++;
          if (response.statusCode() == 401) {
            JsonObject pair = refresh(http, refresh, failures);
            if (pair == null) {
              break;
            }
            refreshes++;
            access = pair.getString("access");
            refresh = pair.getString("refresh");
            response = http.get(PATH, access);
            calls++;
          }
          expect(response, 200, "GET " + PATH, failures);
          sleepQuietly(50); // think time
        }
        if (failures.isEmpty()) {
          expect(http.postJson("/api/token/blacklist/", new JsonObject().put("refresh", refresh)), 200, "logout", failures);
          journeys++;
        }
      }
    }
    return new Tally(journeys, calls, refreshes, failures);
  }

  @Test
  @DisplayName("wrk with the shipped Lua script gets only 2xx answers from a protected route")
  void wrkAgainstProtectedRoute(@org.junit.jupiter.api.io.TempDir Path temp) throws IOException, InterruptedException {
    // .ci/run installs Debian's wrk: a missing one fails here rather than skip the check
    assertThat(Files.isExecutable(WRK)).as("wrk installed at /usr/bin/wrk (apt-get install wrk)").isTrue();
    String access;
    try (HttpTestClient http = new HttpTestClient(gateway.port())) {
      access = http.login("demo", "demo-password").getString("access");
    }
    Path script = Path.of(System.getProperty("tokengate.project.dir", "."), "bench", "wrk-smoke.lua");
    assertThat(script).isRegularFile();
    Path output = temp.resolve("wrk.txt");
    ProcessBuilder builder = new ProcessBuilder(WRK.toString(), "-t1", "-c4", "-d2s", "--timeout", "5s",
        "-s", script.toString(), "http://127.0.0.1:" + gateway.port() + PATH)
        .redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("TOKENGATE_BENCH_TOKEN", access);
    Process wrk = builder.start();
    if (!wrk.waitFor(30, TimeUnit.SECONDS)) {
      wrk.destroyForcibly();
      throw new AssertionError("wrk did not finish within 30 s");
    }
    String report = Files.readString(output);
    assertThat(wrk.exitValue()).as(report).isZero();
    Matcher summary = Pattern.compile("tokengate: responses=(\\d+) non2xx=(\\d+) errors=(\\d+)").matcher(report);
    assertThat(summary.find()).as(report).isTrue();
    assertThat(Long.parseLong(summary.group(1))).as(report).isPositive();
    assertThat(Long.parseLong(summary.group(2))).as(report).isZero();
    assertThat(Long.parseLong(summary.group(3))).as(report).isZero();
    assertThat(report).doesNotContain("Non-2xx or 3xx responses");
  }

  /** The new {@code {access, refresh}}, or null (failure recorded). With rotation the old refresh token is dead now. */
  private static JsonObject refresh(HttpTestClient http, String refresh, List<String> failures) {
    HttpResponse<Buffer> refreshed = http.postJson("/api/token/refresh/", new JsonObject().put("refresh", refresh));
    if (!expect(refreshed, 200, "refresh", failures)) {
      return null;
    }
    JsonObject body = refreshed.bodyAsJsonObject();
    // keep the rotated refresh token: presenting the old one again would revoke the whole family
    return new JsonObject().put("access", body.getString("access")).put("refresh", body.getString("refresh", refresh));
  }

  private static boolean expect(HttpResponse<Buffer> response, int status, String what, List<String> failures) {
    if (response.statusCode() == status) {
      return true;
    }
    failures.add(what + " answered " + response.statusCode() + ": " + response.bodyAsString());
    return false;
  }

  private static long expiry(String token) {
    String[] parts = token.split("\\.");
    Matcher matcher = EXP.matcher(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
