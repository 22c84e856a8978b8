package io.tokengate.keys;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import io.tokengate.server.Gateway;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestKeys;
import io.tokengate.support.Users;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key rotation without logging anyone out: gateways on one database, before and after switching
 * the signing key, with the old key kept in {@code jwt.previous_verifying_keys}.
 */
@DisplayName("Key rotation")
class KeyRotationTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("RS256 -> ES256: old tokens verify and refresh after the switch, new ones are signed with the new key, the JWKS lists both")
  void asymmetric() throws Exception {
    KeyPair oldPair = TestKeys.generate("RS256");
    KeyPair newPair = TestKeys.generate("ES256");
    String oldKid = new RSAKey.Builder((RSAPublicKey) oldPair.getPublic()).build().computeThumbprint().toString();
    JsonObject before = TestKeys.jwtFiles("RS256", oldPair, dir, "old");
    JsonObject after = TestKeys.jwtFiles("ES256", newPair, dir, "new")
        .put("previous_verifying_keys", new JsonArray().add(new JsonObject()
            .put("algorithm", "RS256").put("key_file", before.getString("verifying_key_file"))));
    JsonObject retired = TestKeys.jwtFiles("ES256", newPair, dir, "new");

    try (TestGateway old = TestGateway.start(new JsonObject().put("jwt", before));
         Gateway rotated = old.startSibling(new JsonObject().put("jwt", after));
         Gateway withoutOld = old.startSibling(new JsonObject().put("jwt", retired));
         HttpTestClient oldHttp = new HttpTestClient(old.port());
         HttpTestClient http = new HttpTestClient(rotated.port());
         HttpTestClient retiredHttp = new HttpTestClient(withoutOld.port())) {
      new Users(old.database()).create("alice", "wonderland", true);
      JsonObject oldPairTokens = oldHttp.login("alice", "wonderland");
      String oldAccess = oldPairTokens.getString("access");
      assertThat(Jwts.header(oldAccess).getString("kid")).isEqualTo(oldKid);

      assertThat(verify(http, oldAccess).statusCode()).as("a token of the old key verifies after the switch").isEqualTo(200);
      HttpResponse<Buffer> refreshed = http.postJson("/api/token/refresh/", new JsonObject().put("refresh", oldPairTokens.getString("refresh")));
      assertThat(refreshed.statusCode()).as(refreshed.bodyAsString()).isEqualTo(200);
      String newAccess = refreshed.bodyAsJsonObject().getString("access");
      String newRefresh = refreshed.bodyAsJsonObject().getString("refresh");
      JsonObject newHeader = Jwts.header(newAccess);
      assertThat(newHeader.getString("alg")).isEqualTo("ES256");
      assertThat(newHeader.getString("kid")).isNotEqualTo(oldKid);
      assertThat(Jwts.header(newRefresh).getString("kid")).isEqualTo(newHeader.getString("kid"));
      assertThat(verify(http, newAccess).statusCode()).isEqualTo(200);

      JWKSet jwks = JWKSet.parse(http.get(JwksHandler.PATH, null).bodyAsString());
      assertThat(jwks.getKeys()).extracting(key -> key.getKeyID()).containsExactly(newHeader.getString("kid"), oldKid);
      assertThat(TestKeys.verifiesWith(oldAccess, jwks.getKeyByKeyId(oldKid))).isTrue();
      assertThat(TestKeys.verifiesWith(newAccess, jwks.getKeyByKeyId(newHeader.getString("kid")))).isTrue();

      assertThat(verify(oldHttp, newAccess).statusCode())
          .as("a gateway that does not know the new key yet refuses its tokens: publish it everywhere before signing with it")
          .isEqualTo(401);

      String oldNoKid = TestKeys.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(),
          Jwts.claims("access", 1, 300), oldPair.getPrivate());
      String newNoKid = TestKeys.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
          Jwts.claims("access", 1, 300), newPair.getPrivate());
      assertThat(verify(oldHttp, oldNoKid).statusCode()).as("before: a token without kid verifies with the current key").isEqualTo(200);
      assertThat(verify(http, oldNoKid).statusCode()).as("after: only with the current key").isEqualTo(401);
      assertThat(verify(http, newNoKid).statusCode()).isEqualTo(200);

      assertThat(verify(retiredHttp, oldAccess).statusCode()).as("once the old key is removed, its tokens are refused").isEqualTo(401);
      assertThat(verify(retiredHttp, newAccess).statusCode()).isEqualTo(200);
      assertThat(new JsonObject(retiredHttp.get(JwksHandler.PATH, null).bodyAsString()).getJsonArray("keys")).hasSize(1);
    }
  }

  @Test
  @DisplayName("HS256 with configured key ids: tokens of the old secret verify and refresh after the switch; a kid-less token only with the new secret")
  void hmac() {
    String oldSecret = "old-secret-0123456789abcdef0123456789abcdef";
    String newSecret = "new-secret-0123456789abcdef0123456789abcdef";
    JsonObject before = new JsonObject().put("signing_key", oldSecret).put("key_id", "2026-01");
    JsonObject after = new JsonObject().put("signing_key", newSecret).put("key_id", "2026-02")
        .put("previous_verifying_keys", new JsonArray().add(new JsonObject().put("kid", "2026-01").put("key", oldSecret)));
    try (TestGateway old = TestGateway.start(new JsonObject().put("jwt", before));
         Gateway rotated = old.startSibling(new JsonObject().put("jwt", after));
         HttpTestClient oldHttp = new HttpTestClient(old.port());
         HttpTestClient http = new HttpTestClient(rotated.port())) {
      new Users(old.database()).create("bob", "builder", true);
      JsonObject pair = oldHttp.login("bob", "builder");
      assertThat(Jwts.header(pair.getString("access")).getString("kid")).isEqualTo("2026-01");

      assertThat(verify(http, pair.getString("access")).statusCode()).isEqualTo(200);
      HttpResponse<Buffer> refreshed = http.postJson("/api/token/refresh/", new JsonObject().put("refresh", pair.getString("refresh")));
      assertThat(refreshed.statusCode()).as(refreshed.bodyAsString()).isEqualTo(200);
      String access = refreshed.bodyAsJsonObject().getString("access");
      assertThat(Jwts.header(access).getString("kid")).isEqualTo("2026-02");
      assertThat(Jwts.signatureValid(access, newSecret)).isTrue();

      assertThat(verify(http, Jwts.hs256(Jwts.claims("access", 1, 300), oldSecret)).statusCode())
          .as("a Simple JWT token (no kid) of the old secret").isEqualTo(401);
      assertThat(verify(http, Jwts.hs256(Jwts.claims("access", 1, 300), newSecret)).statusCode())
          .as("a Simple JWT token (no kid) of the new secret").isEqualTo(200);
      assertThat(http.get(JwksHandler.PATH, null).bodyAsJsonObject().getJsonArray("keys")).isEmpty();
    }
  }

  private static HttpResponse<Buffer> verify(HttpTestClient http, String token) {
    return http.postJson("/api/token/verify/", new JsonObject().put("token", token));
  }
}
