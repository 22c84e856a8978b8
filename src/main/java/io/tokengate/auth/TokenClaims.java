package io.tokengate.auth;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * Simple JWT's claims: building access and refresh payloads, and checking what a verified payload
 * is for. Pure functions; thread-safe.
 */
public final class TokenClaims {

  public static final String TOKEN_TYPE = "token_type";
  public static final String ACCESS = "access";
  public static final String REFRESH = "refresh";

  private TokenClaims() {
  }

  /** A fresh payload of {@code type}: token_type, exp, iat, jti in Simple JWT's order. */
  public static JsonObject fresh(String type, long nowSeconds, long lifetimeSeconds) {
    return new JsonObject()
        .put(TOKEN_TYPE, type)
        .put("exp", nowSeconds + lifetimeSeconds)
        .put("iat", nowSeconds)
        .put("jti", newJti());
  }

  /** A payload derived from {@code source}: fresh token_type/exp/iat/jti, every other claim copied. */
  public static JsonObject derive(JsonObject source, String type, long nowSeconds, long lifetimeSeconds) {
    JsonObject result = fresh(type, nowSeconds, lifetimeSeconds);
    for (String name : source.fieldNames()) {
      if (!result.containsKey(name) && !name.equals("aud") && !name.equals("iss")) {
        result.put(name, source.getValue(name));
      }
    }
    return result;
  }

  /** A UUID4 as 32 lowercase hex characters, as Simple JWT's {@code jti}. */
  public static String newJti() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** Fails with Simple JWT's message unless {@code claims} has a jti and the expected token_type (checked in that order). */
  public static void requireType(JsonObject claims, String expected) {
    requireId(claims);
    Object type = claims.getValue(TOKEN_TYPE);
    if (type == null) {
      throw new TokenException(TokenException.NO_TYPE);
    }
    if (!expected.equals(type)) {
      throw new TokenException(TokenException.WRONG_TYPE);
    }
  }

  public static void requireId(JsonObject claims) {
    if (!(claims.getValue("jti") instanceof String)) {
      throw new TokenException(TokenException.NO_ID);
    }
  }
}
