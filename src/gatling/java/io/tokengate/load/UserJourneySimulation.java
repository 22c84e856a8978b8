package io.tokengate.load;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Real user journeys against a running gateway (README, "Load testing"). Each virtual user, for
 * the whole test duration, repeats: log in ({@code POST /api/token/}), call every protected path
 * {@code gatling.calls} times with a think time between calls, refreshing first when the access
 * token is within {@code gatling.refreshMarginSeconds} of its {@code exp} and again on a 401
 * (keeping the rotated refresh token), then log out ({@code POST /api/token/blacklist/}).
 *
 * <p>System properties (all optional): {@code gatling.baseUrl} (http://127.0.0.1:8000),
 * {@code gatling.username} / {@code gatling.password} (the dev demo user; several users as a
 * comma-separated list, paired by position, handed out round-robin), {@code gatling.paths}
 * (comma-separated, /api/hello/), {@code gatling.users} (10), {@code gatling.rampSeconds} (10),
 * {@code gatling.durationSeconds} (60), {@code gatling.thinkMillis} (200), {@code gatling.calls}
 * (5 rounds over the paths per login), {@code gatling.refreshMarginSeconds} (30),
 * {@code gatling.p95Millis} (500: the 95th percentile every request must stay below).
 * The run fails if any request failed or the p95 bound is exceeded. A user whose login or refresh
 * fails stops there (its later calls could only fail too).
 *
 * <p>The {@code load} profile in the pom holds the defaults and hands these properties to the
 * forked Gatling JVM; the fallbacks here only matter when the class runs some other way.
 */
public class UserJourneySimulation extends Simulation {

  private static final Pattern EXP = Pattern.compile("\"exp\"\\s*:\\s*(\\d+)");

  private final String baseUrl = System.getProperty("gatling.baseUrl", "http://127.0.0.1:8000");
  private final List<String> usernames = list("gatling.username", "demo");
  private final List<String> passwords = list("gatling.password", "demo-password");
  private final List<String> paths = list("gatling.paths", "/api/hello/");
  private final int users = Integer.getInteger("gatling.users", 10);
  private final Duration ramp = Duration.ofSeconds(Long.getLong("gatling.rampSeconds", 10L));
  private final Duration duration = Duration.ofSeconds(Long.getLong("gatling.durationSeconds", 60L));
  private final Duration think = Duration.ofMillis(Long.getLong("gatling.thinkMillis", 200L));
  private final int calls = Integer.getInteger("gatling.calls", 5);
  private final long refreshMargin = Long.getLong("gatling.refreshMarginSeconds", 30L);
  private final int p95Millis = Integer.getInteger("gatling.p95Millis", 500);

  private final HttpProtocolBuilder protocol = http.baseUrl(baseUrl)
      .acceptHeader("application/json")
      .contentTypeHeader("application/json")
      .userAgentHeader("tokengate-gatling");

  /** Credentials round-robin over the configured users. */
  private Iterator<Map<String, Object>> credentials() {
    if (usernames.size() != passwords.size() && passwords.size() != 1) {
      throw new IllegalArgumentException("gatling.password: give one password, or one per gatling.username");
    }
    AtomicLong next = new AtomicLong();
    return Stream.generate(() -> {
      int i = (int) (next.getAndIncrement() % usernames.size());
      return Map.<String, Object>of("username", usernames.get(i),
          "password", passwords.size() == 1 ? passwords.get(0) : passwords.get(i));
    }).iterator();
  }

  private final ChainBuilder login = exec(http("login").post("/api/token/")
      .body(StringBody(session -> "{\"username\":" + json(session.getString("username"))
          + ",\"password\":" + json(session.getString("password")) + "}"))
      .check(status().is(200), jsonPath("$.access").saveAs("access"), jsonPath("$.refresh").saveAs("refresh")))
      .exitHereIfFailed()
      .exec(UserJourneySimulation::rememberExpiry);

  /** Rotation: the answer carries a new refresh token (the old one is now blacklisted); keep it. */
  private final ChainBuilder refresh = exec(http("refresh").post("/api/token/refresh/")
      .body(StringBody(session -> "{\"refresh\":" + json(session.getString("refresh")) + "}"))
      .check(status().is(200), jsonPath("$.access").saveAs("access"), jsonPath("$.refresh").optional().saveAs("refresh")))
      .exitHereIfFailed()
      .exec(UserJourneySimulation::rememberExpiry);

  private final ChainBuilder logout = exec(http("logout").post("/api/token/blacklist/")
      .body(StringBody(session -> "{\"refresh\":" + json(session.getString("refresh")) + "}"))
      .check(status().is(200)));

  private ChainBuilder call(String path) {
    return exec(doIfNearExpiry())
        .exec(http("GET " + path).get(path).header("Authorization", "Bearer #{access}")
            .check(status().in(200, 401).saveAs("status")))
        // a 401 (expired early, clock skew, revoked): refresh once and the same call must then pass
        .doIf(session -> session.getInt("status") == 401).then(
            exec(refresh).exec(http("GET " + path + " (after refresh)").get(path)
                .header("Authorization", "Bearer #{access}").check(status().is(200))))
        .pause(think);
  }

  private ChainBuilder doIfNearExpiry() {
    return doIf(session -> session.getLong("accessExp") - refreshMargin <= System.currentTimeMillis() / 1000)
        .then(refresh);
  }

  private ChainBuilder journey() {
    List<ChainBuilder> round = new ArrayList<>();
    for (String path : paths) {
      round.add(call(path));
    }
    return exec(login).repeat(calls).on(exec(round)).exec(logout);
  }

  private final ScenarioBuilder journeys = scenario("log in, call, refresh, log out")
      .feed(credentials())
      .during(duration).on(journey());

  {
    setUp(journeys.injectOpen(rampUsers(users).during(ramp)))
        .protocols(protocol)
        .maxDuration(ramp.plus(duration).plusMinutes(1))
        .assertions(
            global().failedRequests().count().is(0L),
            global().responseTime().percentile(95.0).lt(p95Millis));
  }

  /** The access token's {@code exp} (seconds), read from its payload; no signature check here. */
  private static Session rememberExpiry(Session session) {
    String token = session.getString("access");
    String[] parts = token == null ? new String[0] : token.split("\\.");
    long exp = 0;
    if (parts.length == 3) {
      Matcher matcher = EXP.matcher(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      if (matcher.find()) {
        exp = Long.parseLong(matcher.group(1));
      }
    }
    return session.set("accessExp", exp);
  }

  private static List<String> list(String property, String fallback) {
    return Arrays.stream(System.getProperty(property, fallback).split(","))
        .map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static String json(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
