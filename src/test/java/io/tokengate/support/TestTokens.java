package io.tokengate.support;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/** Hand-made JWS tokens for tests, signed (or not) exactly as a test asks. */
public final class TestTokens {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private TestTokens() {
  }

  /** A valid access payload for {@code userId}, five minutes to live. */
  public static JsonObject access(Object userId) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("token_type", "access").put("exp", now + 300).put("iat", now)
        .put("jti", UUID.randomUUID().toString().replace("-", "")).put("user_id", userId);
  }

  /** {@code claims} signed with HS256 and {@code key}. */
  public static String sign(JsonObject claims, String key) {
    return signWith(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims, key);
  }

  public static String sign(JsonObject claims) {
    return sign(claims, TestGateway.SIGNING_KEY);
  }

  /** {@code alg: none}, no signature. */
  public static String unsigned(JsonObject claims) {
    return encode(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + encode(claims) + ".";
  }

  /** A valid token whose payload was changed after signing. */
  public static String tampered(JsonObject claims, JsonObject changed) {
    String[] parts = sign(claims).split("\\.");
    return parts[0] + "." + encode(changed) + "." + parts[2];
  }

  private static String signWith(JsonObject header, JsonObject claims, String key) {
    String input = encode(header) + "." + encode(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encode(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
