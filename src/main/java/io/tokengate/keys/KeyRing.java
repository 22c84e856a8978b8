package io.tokengate.keys;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of one gateway: the current signing key, which also verifies, and the previous keys
 * that still verify so that tokens signed before a rotation stay valid until they expire. A token
 * names its key with {@code kid}; a token without one (Simple JWT's) can only be the current key's.
 * Built once from configuration; immutable and thread-safe.
 */
public final class KeyRing {

  private final JwtKey signing;
  private final Map<String, JwtKey> byKid;
  private final String jwks;

  private KeyRing(JwtKey signing, Map<String, JwtKey> byKid) {
    this.signing = signing;
    this.byKid = Collections.unmodifiableMap(byKid);
    JsonArray keys = new JsonArray();
    for (JwtKey key : byKid.values()) {
      if (!key.isHmac()) {
        keys.add(key.publicJwk());
      }
    }
    this.jwks = new JsonObject().put("keys", keys).encode();
  }

  /** {@code signing} must be able to sign; kids must be unique across the ring. */
  public static KeyRing of(JwtKey signing, List<JwtKey> previous) {
    if (!signing.canSign()) {
      throw new KeyException("the signing key has no private key");
    }
    Map<String, JwtKey> byKid = new LinkedHashMap<>();
    byKid.put(signing.kid(), signing);
    for (JwtKey key : previous) {
      if (byKid.putIfAbsent(key.kid(), key) != null) {
        throw new KeyException("kid \"" + key.kid() + "\" is used by two keys");
      }
    }
    return new KeyRing(signing, byKid);
  }

  public JwtKey signingKey() {
    return signing;
  }

  /** The key a token with this {@code kid} must be verified with, or null if there is none. */
  public JwtKey find(String kid) {
    return byKid.get(kid);
  }

  /** Every key that verifies, the current one first. */
  public List<JwtKey> verificationKeys() {
    return new ArrayList<>(byKid.values());
  }

  /** The public JWK Set ({@code {"keys": [...]}}): asymmetric keys only, never a secret. */
  public JsonObject jwks() {
    return new JsonObject(jwks);
  }

  /** The JWK Set, encoded once. */
  public String jwksJson() {
    return jwks;
  }

  @Override
  public String toString() {
    return "KeyRing" + byKid.values();
  }
}
