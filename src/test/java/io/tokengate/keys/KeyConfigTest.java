package io.tokengate.keys;

import io.tokengate.config.ConfigException;
import io.tokengate.config.ConfigLoader;
import io.tokengate.config.GatewayConfig;
import io.tokengate.config.JwtConfig;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Validation of the key settings: each bad value stops start-up with one line naming the key. */
@DisplayName("Key configuration")
class KeyConfigTest {

  @TempDir
  Path dir;

  private static GatewayConfig load(boolean prod, JsonObject jwt) {
    JsonObject json = new JsonObject().put("jwt", jwt);
    if (prod) {
      json.put("mode", "prod").put("http", new JsonObject().put("host", "127.0.0.1")).put("database", new JsonObject().put("url", "postgresql://u@h/d"));
    }
    return TestGateway.config(json);
  }

  private static void refused(boolean prod, JsonObject jwt, String message) {
    assertThatThrownBy(() -> load(prod, jwt)).isInstanceOf(ConfigException.class).hasMessageStartingWith(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("-----END").hasSizeLessThan(200));
  }

  @Test
  @DisplayName("prod mode refuses an RSA key under 2048 bits (signing or previous), dev mode takes it")
  void weakRsa() {
    KeyPair weak = TestKeys.rsa(1024);
    refused(true, TestKeys.jwtFiles("RS256", weak, dir, "weak"),
        "jwt.signing_key_file: RSA key of 1024 bits is too weak, at least 2048 needed");
    assertThat(load(false, TestKeys.jwtFiles("RS256", weak, dir, "weak")).jwt().keys().signingKey().algorithm()).isEqualTo("RS256");

    JsonObject withWeakPrevious = TestKeys.jwtFiles("RS256", TestKeys.generate("RS256"), dir, "strong")
        .put("previous_verifying_keys", new JsonArray().add(new JsonObject().put("key", TestKeys.pem(weak.getPublic()))));
    refused(true, withWeakPrevious, "jwt.previous_verifying_keys[0].key: RSA key of 1024 bits is too weak");
    assertThat(load(true, withWeakPrevious.put("previous_verifying_keys", new JsonArray())).jwt().keys().verificationKeys()).hasSize(1);
  }

  @Test
  @DisplayName("prod mode refuses an HMAC secret shorter than its hash, from a file as inline")
  void shortSecrets() {
    Path short32 = TestKeys.write(dir, "short.txt", "x".repeat(31) + "\n");
    refused(true, new JsonObject().put("signing_key", "").put("signing_key_file", short32.toString()),
        "jwt.signing_key_file: too short for HS256: 248 bits, at least 256 needed");
    Path ok32 = TestKeys.write(dir, "ok.txt", "x".repeat(32) + "\n");
    assertThat(load(true, new JsonObject().put("signing_key", "").put("signing_key_file", ok32.toString())).jwt().signingKey())
        .isEqualTo("x".repeat(32));
    refused(true, new JsonObject().put("algorithm", "HS512").put("signing_key", "y".repeat(63)),
        "jwt.signing_key: too short for HS512: 504 bits, at least 512 needed");
    refused(true, new JsonObject().put("algorithm", "HS384").put("signing_key", "").put("signing_key_file", ok32.toString()),
        "jwt.signing_key_file: too short for HS384");
  }

  @Test
  @DisplayName("files: not both inline and file, a missing file, a pair that does not match, a wrong curve, a PKCS#1 key")
  void files() {
    KeyPair pair = TestKeys.generate("ES256");
    JsonObject good = TestKeys.jwtFiles("ES256", pair, dir, "good");
    refused(false, good.copy().put("signing_key", "inline-too"), "jwt.signing_key_file: set either jwt.signing_key or jwt.signing_key_file, not both");
    refused(false, good.copy().put("signing_key_file", dir.resolve("missing.pem").toString()), "jwt.signing_key_file: cannot read");
    JsonObject other = TestKeys.jwtFiles("ES256", TestKeys.generate("ES256"), dir, "other");
    refused(false, good.copy().put("verifying_key_file", other.getString("verifying_key_file")),
        "jwt.verifying_key_file: the private key and the public key do not belong together");
    refused(false, TestKeys.jwtFiles("ES256", TestKeys.generate("ES384"), dir, "p384"), "jwt.verifying_key_file: ES256 needs an EC key on curve P-256");
    refused(false, good.copy().put("algorithm", "RS256"), "jwt.signing_key_file: not a RSA private key");
    refused(false, good.copy().put("signing_key_file", TestKeys.write(dir, "pkcs1.pem",
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n").toString()), "jwt.signing_key_file: PEM RSA PRIVATE KEY is not PKCS#8");
    refused(false, withoutVerifying(good), "jwt.verifying_key: required for ES256");
  }

  @Test
  @DisplayName("kids: key_id and previous kids must match [A-Za-z0-9._-]{1,128} and be unique; the algorithm is checked per key")
  void kids() {
    refused(false, new JsonObject().put("key_id", "../etc/passwd"), "jwt.key_id: a kid must be 1 to 128 of");
    refused(false, new JsonObject().put("key_id", "a'b"), "jwt.key_id: ");
    JsonObject previous = new JsonObject().put("key_id", "k1").put("previous_verifying_keys", new JsonArray()
        .add(new JsonObject().put("kid", "k1").put("key", "z".repeat(40))));
    refused(false, previous, "jwt.previous_verifying_keys[0].kid: kid \"k1\" is already used");
    refused(false, new JsonObject().put("previous_verifying_keys", new JsonArray().add(new JsonObject().put("kid", "x;y").put("key", "z".repeat(40)))),
        "jwt.previous_verifying_keys[0].kid: a kid must be");
    refused(false, new JsonObject().put("previous_verifying_keys", new JsonArray().add(new JsonObject().put("kid", "a").put("algorithm", "none").put("key", "z"))),
        "jwt.previous_verifying_keys[0].algorithm: unsupported algorithm \"none\"");
    refused(false, new JsonObject().put("previous_verifying_keys", new JsonArray().add(new JsonObject().put("kid", "a").put("url", "x"))),
        "jwt.previous_verifying_keys[0].url: unknown key");
    refused(false, new JsonObject().put("previous_verifying_keys", new JsonArray().add(new JsonObject().put("kid", "a"))),
        "jwt.previous_verifying_keys[0].key: required");
    refused(false, new JsonObject().put("previous_verifying_keys", new JsonArray().add("a key")),
        "jwt.previous_verifying_keys[0]: must be a mapping");
    refused(false, new JsonObject().put("previous_verifying_keys", new JsonArray().add(new JsonObject().put("algorithm", "ES256").put("key", "z".repeat(40)))),
        "jwt.previous_verifying_keys[0].key: not a PEM file");

    GatewayConfig config = load(false, TestKeys.jwtFiles("EdDSA", TestKeys.generate("EdDSA"), dir, "ed")
        .put("algorithm", "eddsa").put("key_id", "ed-2026.1"));
    assertThat(config.jwt().algorithm()).isEqualTo("EdDSA");
    assertThat(config.jwt().keys().signingKey().kid()).isEqualTo("ed-2026.1");
  }

  @Test
  @DisplayName("the configuration's text form shows kids and algorithms, never a secret or a PEM")
  void redacted() {
    JsonObject jwt = TestKeys.jwtFiles("RS256", TestKeys.generate("RS256"), dir, "r")
        .put("previous_verifying_keys", new JsonArray().add(new JsonObject().put("algorithm", "HS256").put("kid", "old").put("key", "super-secret-value-0123456789abcdef")));
    String text = load(false, jwt).jwt().toString();
    assertThat(text).contains("kid=old").contains("alg=RS256").doesNotContain("super-secret").doesNotContain("BEGIN").doesNotContain("MII");
  }

  @Test
  @DisplayName("environment variables: a key file and a JSON list of previous keys")
  void environment() {
    KeyPair pair = TestKeys.generate("ES256");
    JsonObject files = TestKeys.jwtFiles("ES256", pair, dir, "env");
    Vertx vertx = Vertx.vertx();
    try {
      GatewayConfig config = new ConfigLoader(vertx).load(null, Map.of(
          "TOKENGATE_JWT_ALGORITHM", "ES256",
          "TOKENGATE_JWT_SIGNING_KEY_FILE", files.getString("signing_key_file"),
          "TOKENGATE_JWT_VERIFYING_KEY_FILE", files.getString("verifying_key_file"),
          "TOKENGATE_JWT_PREVIOUS_VERIFYING_KEYS", "[{\"kid\": \"old\", \"algorithm\": \"HS256\", \"key\": \"" + "q".repeat(32) + "\"}]"))
          .await();
      assertThat(config.jwt().keys().verificationKeys()).extracting(JwtKey::algorithm).containsExactly("ES256", "HS256");
      assertThat(config.jwt().keys().find("old")).isNotNull();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("prod mode refuses the public development key anywhere in the key ring: previous keys inline, from a file, from the environment")
  void developmentKeyNowhereInProd() {
    JsonObject inline = new JsonObject().put("signing_key", "s".repeat(32)).put("previous_verifying_keys", new JsonArray()
        .add(new JsonObject().put("kid", "old").put("key", "p".repeat(32)))
        .add(new JsonObject().put("kid", "dev").put("key", JwtConfig.DEVELOPMENT_KEY)));
    refused(true, inline, "jwt.previous_verifying_keys[1].key: is the public development key; prod mode accepts no token signed with it");
    Path file = TestKeys.write(dir, "dev-key.txt", JwtConfig.DEVELOPMENT_KEY + "\n");
    refused(true, new JsonObject().put("signing_key", "s".repeat(32)).put("previous_verifying_keys", new JsonArray()
            .add(new JsonObject().put("algorithm", "HS512").put("key_file", file.toString()))),
        "jwt.previous_verifying_keys[0].key_file: is the public development key");
    refused(true, new JsonObject().put("signing_key", JwtConfig.DEVELOPMENT_KEY), "jwt.signing_key: is the public development key");
    refused(true, new JsonObject().put("signing_key", "s".repeat(32)).put("previous_verifying_keys", new JsonArray()
        .add(new JsonObject().put("key", " " + JwtConfig.DEVELOPMENT_KEY + "\n"))), "jwt.previous_verifying_keys[0].key: is the public development key");
    assertThat(load(false, inline).jwt().keys().find("dev")).as("dev mode may verify with it").isNotNull();

    Vertx vertx = Vertx.vertx();
    try {
      Map<String, String> env = Map.of("TOKENGATE_MODE", "prod", "TOKENGATE_HTTP_HOST", "127.0.0.1",
          "TOKENGATE_DATABASE_URL", "postgresql://u@h/d", "TOKENGATE_JWT_SIGNING_KEY", "s".repeat(32),
          "TOKENGATE_JWT_PREVIOUS_VERIFYING_KEYS", "[{\"kid\": \"dev\", \"key\": \"" + JwtConfig.DEVELOPMENT_KEY + "\"}]");
      assertThatThrownBy(() -> new ConfigLoader(vertx).load(null, env).await())
          .isInstanceOf(ConfigException.class).hasMessageContaining("is the public development key");
    } finally {
      vertx.close().await();
    }
  }

  private static JsonObject withoutVerifying(JsonObject jwt) {
    JsonObject copy = jwt.copy();
    copy.remove("verifying_key_file");
    return copy;
  }
}
