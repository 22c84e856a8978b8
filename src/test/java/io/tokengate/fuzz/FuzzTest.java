package io.tokengate.fuzz;

import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random and mutated input against the token endpoints and a protected path: never a
 * 5xx, never a hang, and no stored change from a rejected request. Reproduce a failure with
 * {@code -Dtokengate.fuzz.seed=N}; {@code -Dtokengate.fuzz.cases=N} runs more.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzTest {

  private static final long SEED = Long.getLong("tokengate.fuzz.seed", 20261128L);
  private static final int CASES = Integer.getInteger("tokengate.fuzz.cases", 3000);
  private static final String[] PATHS = {"/api/token/", "/api/token/refresh/", "/api/token/verify/", "/api/token/blacklist/"};
  private static final String[] FIELDS = {"username", "password", "refresh", "token"};
  private static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=utf-8",
      "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "text/plain", "application/xml", "",
      "application/vnd.api+json", "application/json; charset=\"", "*/*", "ap\u00e9plication/json"};
  private static final String[] TABLES = {"auth_user", "tokengate_outstanding_token", "tokengate_blacklisted_token",
      "tokengate_revocation", "tokengate_issued_access", "tokengate_login_failure"};

  private TestGateway gateway;
  private HttpTestClient http;
  private Users users;
  private final Random random = new Random(SEED);
  private List<String> validTokens;

  @BeforeAll
  void start() {
    gateway = TestGateway.start(new JsonObject()
        .put("login_throttle", new JsonObject().put("enabled", false))
        .put("routes", new JsonArray().add(new JsonObject().put("name", "hello").put("path", "/api/hello/").put("upstream", "demo"))));
    http = new HttpTestClient(gateway.port());
    users = new Users(gateway.database());
    users.create("fuzz", "fuzz-password", true);
    JsonObject pair = http.login("fuzz", "fuzz-password");
    validTokens = List.of(pair.getString("access"), pair.getString("refresh"));
  }

  @AfterAll
  void stop() {
    http.close();
    gateway.close();
  }

  private Map<String, Long> state() {
    Map<String, Long> counts = new TreeMap<>();
    for (String table : TABLES) {
      counts.put(table, users.count("SELECT count(*) FROM " + table));
    }
    counts.put("passwords", users.count("SELECT count(DISTINCT password) FROM auth_user"));
    counts.put("active", users.count("SELECT count(*) FROM auth_user WHERE is_active"));
    return counts;
  }

  @Test
  @DisplayName("thousands of random and mutated requests: no 5xx, no hang, no stored change")
  void fuzz() {
    Map<String, Long> before = state();
    List<String> failures = new ArrayList<>();
    int done = 0;
    while (done < CASES) {
      List<Future<HttpResponse<Buffer>>> batch = new ArrayList<>();
      List<String> described = new ArrayList<>();
      for (int i = 0; i < 50 && done < CASES; i++, done++) {
        StringBuilder description = new StringBuilder("case " + done + ": ");
        batch.add(randomRequest(description));
        described.add(description.toString());
      }
      Future.join(batch).await();
      for (int i = 0; i < batch.size(); i++) {
        Future<HttpResponse<Buffer>> result = batch.get(i);
        if (result.failed()) {
          failures.add(described.get(i) + " -> no answer: " + result.cause());
        } else {
          HttpResponse<Buffer> response = result.result();
          if (response.statusCode() >= 500) {
            failures.add(described.get(i) + " -> " + response.statusCode() + " " + response.bodyAsString());
          } else if (response.statusCode() < 300) {
            failures.add(described.get(i) + " -> unexpected 200 " + response.bodyAsString());
          } else if (response.statusCode() >= 400 && !isJson(response)) {
            failures.add(described.get(i) + " -> " + response.statusCode() + " without a JSON body");
          }
        }
      }
    }
    assertThat(failures).as("seed %d", SEED).isEmpty();
    assertThat(state()).as("stored state after %d rejected requests (seed %d)", CASES, SEED).isEqualTo(before);
  }

  private static boolean isJson(HttpResponse<Buffer> response) {
    String type = response.getHeader("Content-Type");
    if (type == null || !type.startsWith("application/json")) {
      return false;
    }
    try {
      return response.body() != null && response.bodyAsJson(Object.class) != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Future<HttpResponse<Buffer>> randomRequest(StringBuilder description) {
    int kind = random.nextInt(10);
    if (kind == 0 || kind == 9) {
      String path = random.nextInt(4) > 0 ? "/api/hello/" + (random.nextBoolean() ? "" : randomText(6)) : "/api/" + randomText(8) + "/";
      String authorization = randomAuthorization();
      description.append("GET ").append(path).append(" Authorization=").append(abbreviate(authorization));
      HttpRequest<Buffer> request = http.client().request(HttpMethod.GET, path).timeout(10_000);
      if (authorization != null) {
        request.putHeader("Authorization", authorization);
      }
      return request.send();
    }
    String path = PATHS[random.nextInt(PATHS.length)];
    String contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
    String body = kind < 6 ? randomJson() : kind < 8 ? randomForm() : randomBytes();
    HttpMethod method = random.nextInt(20) == 0 ? HttpMethod.PUT : HttpMethod.POST;
    description.append(method).append(' ').append(path).append(" [").append(contentType).append("] ").append(abbreviate(body));
    HttpRequest<Buffer> request = http.client().request(method, path).timeout(10_000);
    if (!contentType.isEmpty()) {
      request.putHeader("Content-Type", contentType);
    }
    return request.sendBuffer(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
  }

  private String randomJson() {
    JsonObject body = new JsonObject();
    for (String field : FIELDS) {
      if (random.nextInt(3) > 0) {
        body.put(field, randomValue(0));
      }
    }
    String json = body.encode();
    return switch (random.nextInt(8)) {
      case 0 -> json.substring(0, random.nextInt(json.length() + 1));
      case 1 -> new JsonArray().add(body).encode();
      case 2 -> "\"" + randomText(10) + "\"";
      case 3 -> json.replace("\"", random.nextBoolean() ? "'" : "");
      default -> json;
    };
  }

  private Object randomValue(int depth) {
    return switch (random.nextInt(depth > 2 ? 6 : 9)) {
      case 0 -> null;
      case 1 -> random.nextLong();
      case 2 -> random.nextDouble() * 1e6;
      case 3 -> random.nextBoolean();
      case 4 -> mutatedToken();
      case 5 -> randomText(random.nextInt(40));
      case 6 -> new JsonArray().add(randomValue(depth + 1)).add(randomValue(depth + 1));
      case 7 -> new JsonObject().put(randomText(4), randomValue(depth + 1));
      default -> "x".repeat(random.nextInt(20_000));
    };
  }

  private String randomForm() {
    StringBuilder form = new StringBuilder();
    for (String field : FIELDS) {
      if (random.nextBoolean()) {
        form.append(form.length() > 0 ? "&" : "").append(field).append('=');
        String value = random.nextBoolean() ? mutatedToken() : randomText(random.nextInt(30));
        form.append(random.nextBoolean() ? java.net.URLEncoder.encode(value, StandardCharsets.UTF_8) : value);
      }
    }
    if (random.nextInt(4) == 0) {
      form.append("&%ZZ=%").append(randomText(3));
    }
    return form.toString();
  }

  private String randomBytes() {
    byte[] bytes = new byte[random.nextInt(512)];
    random.nextBytes(bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /** Header values must be printable ASCII on the wire; anything else is replaced. */
  private String randomAuthorization() {
    String value = rawAuthorization();
    return value == null ? null : value.replaceAll("[^\\x20-\\x7e]", "x");
  }

  private String rawAuthorization() {
    return switch (random.nextInt(8)) {
      case 0 -> null;
      case 1 -> "Bearer";
      case 2 -> "Bearer " + mutatedToken() + " extra";
      case 3 -> randomText(6) + " " + mutatedToken();
      case 4 -> "bearer " + mutatedToken();
      default -> "Bearer " + mutatedToken();
    };
  }

  /** A valid token of ours, changed so that it must no longer be accepted. */
  private String mutatedToken() {
    String token = validTokens.get(random.nextInt(validTokens.size()));
    String[] parts = token.split("\\.");
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    return switch (random.nextInt(10)) {
      case 0 -> flip(token);
      case 1 -> parts[0] + "." + parts[1] + ".";
      case 2 -> encoder.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
      case 3 -> parts[1] + "." + parts[0] + "." + parts[2];
      case 4 -> token + "." + randomText(5);
      case 5 -> encoder.encodeToString(("{\"alg\":\"HS256\",\"kid\":\"../../" + randomText(4) + "\"}").getBytes(StandardCharsets.UTF_8))
          + "." + parts[1] + "." + parts[2];
      case 6 -> Jwts.hs256(Jwts.claims(random.nextBoolean() ? "access" : "refresh", random.nextInt(100), 300), "not-the-key-" + randomText(20));
      case 7 -> parts[0] + "." + encoder.encodeToString(randomText(30).getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
      case 8 -> token.substring(0, random.nextInt(token.length()));
      default -> randomText(random.nextInt(200));
    };
  }

  private String flip(String token) {
    char[] chars = token.toCharArray();
    int index;
    do {
      // never the last character: its low bits are base64 padding, so changing them may not change the signature
      index = random.nextInt(chars.length - 1);
    } while (chars[index] == '.');
    char replacement;
    do {
      replacement = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".charAt(random.nextInt(64));
    } while (replacement == chars[index]);
    chars[index] = replacement;
    return new String(chars);
  }

  private String randomText(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      int pick = random.nextInt(20);
      text.append(pick == 0 ? (char) (random.nextInt(0x2FF) + 1) : pick == 1 ? '\u2713' : (char) ('!' + random.nextInt(94)));
    }
    return text.toString();
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "null";
    }
    return text.length() <= 120 ? text : text.substring(0, 120) + "...(" + text.length() + " chars)";
  }
}
