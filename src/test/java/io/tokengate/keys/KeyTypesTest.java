package io.tokengate.keys;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestKeys;
import io.tokengate.support.Users;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every supported kind of key, end to end over real HTTP: login, the tokens' header, refresh and
 * verify, and the JWKS document checked by an independent JOSE library (Nimbus).
 */
@DisplayName("Key types")
class KeyTypesTest {

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"RS256", "ES256", "EdDSA"})
  @DisplayName("asymmetric: tokens carry the key's kid and alg, refresh and verify work, and the JWKS verifies them in Nimbus")
  void asymmetric(String algorithm) throws Exception {
    JsonObject jwt = TestKeys.jwtFiles(algorithm, TestKeys.generate(algorithm), dir, "current");
    try (TestGateway gateway = TestGateway.start(new JsonObject().put("jwt", jwt));
         HttpTestClient http = new HttpTestClient(gateway.port())) {
      new Users(gateway.database()).create("alice", "wonderland", true);
      JsonObject pair = http.login("alice", "wonderland");

      HttpResponse<Buffer> jwksResponse = http.get(JwksHandler.PATH, null);
      assertThat(jwksResponse.statusCode()).isEqualTo(200);
      assertThat(jwksResponse.getHeader("Content-Type")).startsWith("application/json");
      JsonObject rawJwks = jwksResponse.bodyAsJsonObject();
      assertThat(rawJwks.getJsonArray("keys")).hasSize(1);
      JsonObject rawKey = rawJwks.getJsonArray("keys").getJsonObject(0);
      assertThat(rawKey.fieldNames()).doesNotContain("d", "p", "q", "dp", "dq", "qi", "k");
      assertThat(rawKey.getString("use")).isEqualTo("sig");
      assertThat(rawKey.getString("alg")).isEqualTo(algorithm);

      JWKSet jwks = JWKSet.parse(jwksResponse.bodyAsString());
      JWK published = jwks.getKeys().get(0);
      assertThat(published.isPrivate()).isFalse();
      assertThat(published.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
      assertThat(published.getAlgorithm().getName()).isEqualTo(algorithm);
      assertThat(published.getKeyID()).as("kid is the RFC 7638 thumbprint").isEqualTo(published.computeThumbprint().toString());

      for (String type : new String[] {"access", "refresh"}) {
        String token = pair.getString(type);
        JsonObject header = Jwts.header(token);
        assertThat(header.getString("alg")).isEqualTo(algorithm);
        assertThat(header.getString("typ")).isEqualTo("JWT");
        assertThat(header.getString("kid")).isEqualTo(published.getKeyID());
        assertThat(TestKeys.verifiesWith(token, published)).as("Nimbus verifies our %s token with the JWKS", type).isTrue();
        assertThat(TestKeys.verifiesWith(tamper(token), published)).as("and refuses it tampered").isFalse();
        assertThat(http.postJson("/api/token/verify/", new JsonObject().put("token", token)).statusCode()).isEqualTo(200);
      }
      assertThat(http.postJson("/api/token/verify/", new JsonObject().put("token", tamper(pair.getString("access")))).statusCode())
          .isEqualTo(401);

      HttpResponse<Buffer> refreshed = http.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh")));
      assertThat(refreshed.statusCode()).as(refreshed.bodyAsString()).isEqualTo(200);
      String access = refreshed.bodyAsJsonObject().getString("access");
      assertThat(Jwts.header(access).getString("kid")).isEqualTo(published.getKeyID());
      assertThat(TestKeys.verifiesWith(access, published)).isTrue();
      assertThat(http.postJson("/api/token/verify/", new JsonObject().put("token", access)).statusCode()).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"HS256", "HS384", "HS512"})
  @DisplayName("HMAC: tokens carry the secret's thumbprint as kid and the right alg, refresh and verify work, the JWKS is empty")
  void hmac(String algorithm) throws Exception {
    String secret = "s".repeat(24) + "-" + algorithm + "-" + "0123456789abcdef".repeat(3);
    Path file = TestKeys.write(dir, "secret.txt", secret + "\n");
    JsonObject jwt = new JsonObject().put("algorithm", algorithm).put("signing_key", "").put("signing_key_file", file.toString());
    try (TestGateway gateway = TestGateway.start(new JsonObject().put("jwt", jwt));
         HttpTestClient http = new HttpTestClient(gateway.port())) {
      new Users(gateway.database()).create("alice", "wonderland", true);
      JsonObject pair = http.login("alice", "wonderland");
      String expectedKid = new OctetSequenceKey.Builder(secret.getBytes(StandardCharsets.UTF_8)).build().computeThumbprint().toString();
      for (String type : new String[] {"access", "refresh"}) {
        String token = pair.getString(type);
        JsonObject header = Jwts.header(token);
        assertThat(header.getString("alg")).isEqualTo(algorithm);
        assertThat(header.getString("kid")).isEqualTo(expectedKid);
        assertThat(TestKeys.verifiesWithSecret(token, secret)).as("signed with the file's secret, without its newline").isTrue();
      }
      HttpResponse<Buffer> refreshed = http.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh")));
      assertThat(refreshed.statusCode()).as(refreshed.bodyAsString()).isEqualTo(200);
      assertThat(http.postJson("/api/token/verify/", new JsonObject().put("token", refreshed.bodyAsJsonObject().getString("access")))
          .statusCode()).isEqualTo(200);
      HttpResponse<Buffer> jwks = http.get(JwksHandler.PATH, null);
      assertThat(jwks.statusCode()).isEqualTo(200);
      assertThat(jwks.bodyAsJsonObject()).isEqualTo(new JsonObject().put("keys", new io.vertx.core.json.JsonArray()));
      assertThat(jwks.bodyAsString()).doesNotContain(Base64.getUrlEncoder().withoutPadding()
          .encodeToString(secret.getBytes(StandardCharsets.UTF_8)).substring(0, 16));
    }
  }

  /** The same token with one payload character changed. */
  private static String tamper(String token) {
    String[] parts = token.split("\\.");
    JsonObject payload = Jwts.payload(token).put("user_id", 999_999);
    return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8))
        + "." + parts[2];
  }
}
