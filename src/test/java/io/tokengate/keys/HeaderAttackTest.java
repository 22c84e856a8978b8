package io.tokengate.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import io.tokengate.auth.TokenCodec;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestKeys;
import io.tokengate.support.Users;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Header attacks against a gateway signing with RS256 and still accepting a previous ES256 key:
 * each attack token is refused with Simple JWT's 401 at verify and refresh, and by
 * {@link TokenCodec#headerProblem(String)} and {@link TokenCodec#auth()} (what the request-path
 * handler uses). Most attacks are signed with the real key, so only the header can be the reason;
 * the controls, signed the same way with a clean header, are accepted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Header attacks")
class HeaderAttackTest {

  private static final JsonObject INVALID = new JsonObject().put("detail", "Token is invalid or expired").put("code", "token_not_valid");

  private final KeyPair current = TestKeys.generate("RS256");
  private final KeyPair previous = TestKeys.generate("ES256");
  private final KeyPair attacker = TestKeys.generate("RS256");
  private String currentKid;
  private String currentPem;
  private TestGateway gateway;
  private HttpTestClient http;
  private Vertx vertx;
  private TokenCodec codec;
  private int userId;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    currentPem = TestKeys.pem(current.getPublic());
    currentKid = new RSAKey.Builder((RSAPublicKey) current.getPublic()).build().computeThumbprint().toString();
    JsonObject jwt = TestKeys.jwtFiles("RS256", current, dir, "current")
        .put("previous_verifying_keys", new JsonArray().add(new JsonObject()
            .put("kid", "old-es256").put("algorithm", "ES256").put("key", TestKeys.pem(previous.getPublic()))));
    JsonObject overrides = new JsonObject().put("jwt", jwt);
    gateway = TestGateway.start(overrides);
    http = new HttpTestClient(gateway.port());
    userId = new Users(gateway.database()).create("alice", "wonderland", true);
    vertx = Vertx.vertx();
    codec = new TokenCodec(vertx, TestGateway.config(overrides).jwt());
  }

  @AfterAll
  void stop() {
    http.close();
    gateway.close();
    vertx.close().await();
  }

  private JWSHeader.Builder rs256() {
    return new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT);
  }

  /** A token-maker per case, so each endpoint gets a fresh token (refresh consumes one). */
  Stream<Arguments> attacks() {
    RSAKey attackerJwk = new RSAKey.Builder((RSAPublicKey) attacker.getPublic()).build();
    String longKid = "a".repeat(129);
    return Stream.of(
        attack("alg none, no signature", claims -> Jwts.unsigned(claims)),
        attack("alg none with our kid and a signature", claims -> withAlg(signed(rs256().keyID(currentKid), claims), "none")),
        attack("alg None (other case)", claims -> withAlg(signed(rs256().keyID(currentKid), claims), "None")),
        attack("unknown kid, signed by another key", claims -> TestKeys.sign(rs256().keyID("attacker-key").build(), claims, attacker.getPrivate())),
        attack("kid with a path", claims -> signed(rs256().keyID("../../../../dev/null"), claims)),
        attack("kid with SQL quote", claims -> signed(rs256().keyID("' OR '1'='1"), claims)),
        attack("kid with SQL semicolon", claims -> signed(rs256().keyID("x;DROP TABLE auth_user"), claims)),
        attack("kid of 129 characters", claims -> signed(rs256().keyID(longKid), claims)),
        attack("kid that is not a string", claims -> Jwts.sign(new JsonObject().put("alg", "HS256").put("kid", 7), claims, "x")),
        attack("jku header", claims -> signed(rs256().keyID(currentKid).jwkURL(URI.create("https://attacker.example/jwks.json")), claims)),
        attack("x5u header", claims -> signed(rs256().keyID(currentKid).x509CertURL(URI.create("https://attacker.example/cert.pem")), claims)),
        attack("x5c header", claims -> signed(rs256().keyID(currentKid).x509CertChain(List.of(Base64.encode(new byte[] {1, 2, 3}))), claims)),
        attack("embedded jwk, signed by its own key", claims -> TestKeys.sign(rs256().jwk(attackerJwk).build(), claims, attacker.getPrivate())),
        attack("embedded jwk on a token signed by our key", claims -> signed(rs256().keyID(currentKid).jwk(attackerJwk), claims)),
        attack("crit header", claims -> signed(rs256().keyID(currentKid).customParam("exp-ext", 1).criticalParams(Set.of("exp-ext")), claims)),
        attack("HS256 with our public key's PEM as secret, our kid",
            claims -> Jwts.sign(new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", currentKid), claims, currentPem)),
        attack("HS256 with our public key's PEM as secret, no kid",
            claims -> Jwts.sign(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims, currentPem)),
        attack("HS256 with the trimmed PEM as secret",
            claims -> Jwts.sign(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims, currentPem.strip())),
        attack("RS256 under the kid of the ES256 key", claims -> signed(rs256().keyID("old-es256"), claims)),
        attack("ES256 signature in DER form (malleable)", claims -> {
          String token = TestKeys.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID("old-es256").build(),
              claims, previous.getPrivate());
          return toDer(token);
        }),
        attack("typ other than JWT", claims -> signed(rs256().keyID(currentKid).type(new JOSEObjectType("secevent+jwt")), claims)),
        attack("two segments", claims -> {
          String token = signed(rs256().keyID(currentKid), claims);
          return token.substring(0, token.lastIndexOf('.'));
        }),
        attack("empty signature", claims -> {
          String token = signed(rs256().keyID(currentKid), claims);
          return token.substring(0, token.lastIndexOf('.') + 1);
        }),
        attack("header not base64url JSON", claims -> "e30K!!." + signed(rs256().keyID(currentKid), claims).split("\\.", 2)[1]));
  }

  Stream<Arguments> controls() {
    return Stream.of(
        attack("RS256 with our kid", claims -> signed(rs256().keyID(currentKid), claims)),
        attack("RS256 without kid (as Simple JWT signs)", claims -> signed(rs256(), claims)),
        attack("ES256 with the previous key's kid", claims -> TestKeys.sign(
            new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID("old-es256").build(), claims, previous.getPrivate())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  @DisplayName("refused: 401 at verify and refresh, a header problem, and a failed auth()")
  void refused(String name, Function<JsonObject, String> maker) {
    assertInvalid(http.postJson("/api/token/verify/", new JsonObject().put("token", maker.apply(claims()))));
    assertInvalid(http.postJson("/api/token/refresh/", new JsonObject().put("refresh", maker.apply(claims()))));
    String token = maker.apply(claims());
    assertThat(codec.headerProblem(token)).as("headerProblem").isNotNull();
    assertThat(codec.auth().authenticate(new TokenCredentials(token)).toCompletionStage().toCompletableFuture())
        .as("auth()").isCompletedExceptionally();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("controls")
  @DisplayName("control: the same kind of token with a clean header is accepted everywhere")
  void accepted(String name, Function<JsonObject, String> maker) {
    HttpResponse<Buffer> verify = http.postJson("/api/token/verify/", new JsonObject().put("token", maker.apply(claims())));
    assertThat(verify.statusCode()).as(verify.bodyAsString()).isEqualTo(200);
    HttpResponse<Buffer> refresh = http.postJson("/api/token/refresh/", new JsonObject().put("refresh", maker.apply(claims())));
    assertThat(refresh.statusCode()).as(refresh.bodyAsString()).isEqualTo(200);
    String token = maker.apply(claims());
    assertThat(codec.headerProblem(token)).isNull();
    assertThat(TokenCodec.claimsOf(codec.auth().authenticate(new TokenCredentials(token)).await()).getValue("user_id")).isEqualTo(userId);
  }

  @Test
  @DisplayName("a token without exp is refused by auth() as by the endpoints, even with a clean header")
  void noExp() {
    JsonObject claims = claims();
    claims.remove("exp");
    String token = signed(rs256().keyID(currentKid), claims);
    assertThat(codec.headerProblem(token)).isNull();
    assertInvalid(http.postJson("/api/token/verify/", new JsonObject().put("token", token)));
    assertThat(codec.auth().authenticate(new TokenCredentials(token)).toCompletionStage().toCompletableFuture()).isCompletedExceptionally();
  }

  private static Arguments attack(String name, Function<JsonObject, String> maker) {
    return Arguments.of(name, maker);
  }

  private JsonObject claims() {
    return Jwts.claims("refresh", userId, 300);
  }

  private String signed(JWSHeader.Builder header, JsonObject claims) {
    return TestKeys.sign(header.build(), claims, current.getPrivate());
  }

  /** The same ES256 token with its R||S signature re-encoded as ASN.1 DER, as JCA makes them. */
  private static String toDer(String token) {
    try {
      int dot = token.lastIndexOf('.');
      byte[] der = ECDSA.transcodeSignatureToDER(java.util.Base64.getUrlDecoder().decode(token.substring(dot + 1)));
      return token.substring(0, dot + 1) + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(der);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The token with its header's alg replaced (signature kept). */
  private static String withAlg(String token, String alg) {
    String[] parts = token.split("\\.");
    JsonObject header = Jwts.header(token).put("alg", alg);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(header.encode().getBytes(StandardCharsets.UTF_8))
        + "." + parts[1] + "." + parts[2];
  }

  private static void assertInvalid(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject()).isEqualTo(INVALID);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"api\"");
  }
}
