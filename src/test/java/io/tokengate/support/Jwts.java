package io.tokengate.support;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/** Hand-made JWS tokens for tests, independent of the code under test (plain JCA HMAC). */
public final class Jwts {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private Jwts() {
  }

  public static String hs256(JsonObject payload, String key) {
    return sign(new JsonObject().put("alg", "HS256").put("typ", "JWT"), payload, key);
  }

  public static String sign(JsonObject header, JsonObject payload, String key) {
    String signingInput = encode(header) + "." + encode(payload);
    return signingInput + "." + ENCODER.encodeToString(hmac(signingInput, key));
  }

  /** {@code header.payload.} with no signature, as an {@code alg: none} attacker sends it. */
  public static String unsigned(JsonObject payload) {
    return encode(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + encode(payload) + ".";
  }

  public static boolean signatureValid(String token, String key) {
    int dot = token.lastIndexOf('.');
    byte[] expected = hmac(token.substring(0, dot), key);
    return java.security.MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(token.substring(dot + 1)));
  }

  public static JsonObject header(String token) {
    return part(token, 0);
  }

  public static JsonObject payload(String token) {
    return part(token, 1);
  }

  /** Simple JWT's claims for a token of {@code type} for user {@code userId}, valid for {@code seconds}. */
  public static JsonObject claims(String type, Object userId, long seconds) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("token_type", type).put("exp", now + seconds).put("iat", now)
        .put("jti", java.util.UUID.randomUUID().toString().replace("-", "")).put("user_id", userId);
  }

  private static JsonObject part(String token, int index) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[index]), StandardCharsets.UTF_8));
  }

  private static String encode(JsonObject json) {
    return ENCODER.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(String input, String key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
