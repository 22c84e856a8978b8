package io.tokengate.auth;

import io.tokengate.config.JwtConfig;
import io.tokengate.keys.JwtKey;
import io.tokengate.keys.KeyRing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Signs and verifies JWS tokens with vertx-auth-jwt and the configured {@link KeyRing}. Tokens are
 * signed with the current key and carry its {@code kid}. Verification first checks the header
 * ({@link #headerProblem(String)}: no {@code none}, no key-bearing or key-locating headers, a well
 * formed and known {@code kid}, and exactly the algorithm of that key, so HMAC can never be tried
 * with a public key), then the signature with that one key only (a token without {@code kid}, as
 * Simple JWT makes them, only with the current key), then {@code exp} (required, with leeway),
 * {@code nbf}/{@code iat} not in the future, and {@code aud}/{@code iss} when configured. What a
 * token is for ({@code token_type}) is the caller's to check. One instance per verticle; runs on
 * its thread.
 */
public final class TokenCodec {

  private static final Logger LOG = LoggerFactory.getLogger(TokenCodec.class);

  /** Headers that would let the token choose or carry its own key: never honoured, so refused. */
  private static final Set<String> FORBIDDEN_HEADERS = Set.of("jku", "x5u", "x5c", "jwk", "x5t", "x5t#S256", "crit");
  private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
  private static final int VERIFIED_CACHE_SIZE = 4096;

  private final JwtConfig config;
  private final KeyRing keys;
  private final JWTAuth signer;
  private final Map<String, JWTAuth> verifiers = new HashMap<>();
  private final JWTAuth auth;
  private final JWTOptions signOptions;
  /** Verified tokens of this event loop (see {@link VerifiedTokens}); revocation is still checked per request. */
  private final VerifiedTokens verified;

  public TokenCodec(Vertx vertx, JwtConfig config) {
    this.config = config;
    this.keys = config.keys();
    JwtKey signing = keys.signingKey();
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(signing.signOptions()));
    for (JwtKey key : keys.verificationKeys()) {
      // one verifier per key, holding that key alone: a token can only ever be checked with the key it names
      verifiers.put(key.kid(), JWTAuth.create(vertx, new JWTAuthOptions().setJWTOptions(verifyOptions(config))
          .addPubSecKey(key.verifyOptions())));
    }
    this.verified = new VerifiedTokens(VERIFIED_CACHE_SIZE, config.leewaySeconds());
    this.auth = new CheckedAuth();
    // Simple JWT's header, then our kid (Vert.x appends it): {"alg":"HS256","typ":"JWT","kid":"..."}
    this.signOptions = new JWTOptions().setAlgorithm(signing.algorithm()).setNoTimestamp(true)
        .setHeader(new JsonObject().put("alg", signing.algorithm()).put("typ", "JWT"));
  }

  private static JWTOptions verifyOptions(JwtConfig config) {
    JWTOptions verify = new JWTOptions().setLeeway(config.leewaySeconds());
    if (!config.audience().isEmpty()) {
      verify.setAudience(List.of(config.audience()));
    }
    if (!config.issuer().isEmpty()) {
      verify.setIssuer(config.issuer());
    }
    return verify;
  }

  /**
   * The checked verifier as a {@link JWTAuth}, what the proxied routes' {@code JWTAuthHandler}
   * authenticates with: the same checks as {@link #verify(String)} (header, the named key only,
   * {@code exp} required); every failure is a {@link TokenException}. A token verified before
   * gives back the very {@link User} made the first time (shared: never modify it).
   */
  public JWTAuth auth() {
    return auth;
  }

  /** Signs {@code claims} as they are (the caller sets exp, iat, jti) and adds aud/iss when configured. */
  public String sign(JsonObject claims) {
    JsonObject payload = claims.copy();
    if (!config.audience().isEmpty()) {
      payload.put("aud", config.audience());
    }
    if (!config.issuer().isEmpty()) {
      payload.put("iss", config.issuer());
    }
    return signer.generateToken(payload, signOptions);
  }

  /** The verified claims (a copy the caller owns), or a failed future with {@link TokenException} ({@value TokenException#INVALID}). */
  public Future<JsonObject> verify(String token) {
    return auth.authenticate(new TokenCredentials(token)).map(user -> claimsOf(user).copy());
  }

  /**
   * Why this token's header must be refused before any signature check, or null if it may be
   * checked: not three segments, a header that is not base64url JSON, {@code alg} missing or
   * {@code none}, a {@code jku}/{@code x5u}/{@code x5c}/{@code jwk}/{@code x5t}/{@code crit}
   * header, a {@code typ} other than JWT, a {@code kid} that is malformed or unknown, or an
   * {@code alg} other than the algorithm of the key it names (without {@code kid}: the current key),
   * or a signature whose length is not that algorithm's (e.g. a DER-encoded ECDSA signature).
   * The reason never quotes the token. Cheap and thread-safe.
   */
  public String headerProblem(String token) {
    Object result = check(token);
    return result instanceof String problem ? problem : null;
  }

  /** The claims of a user authenticated by {@link JWTAuth} (here or by {@code JWTAuthHandler}). */
  public static JsonObject claimsOf(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken");
    return claims != null ? claims : user.principal();
  }

  /** The key to verify {@code token} with, or a String saying why its header is refused. */
  private Object check(String token) {
    if (token == null) {
      return "no token";
    }
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first <= 0 || second < 0 || second == token.length() - 1 || token.indexOf('.', second + 1) >= 0) {
      return "not a signed JWS in compact form";
    }
    JsonObject header;
    try {
      header = new JsonObject(new String(BASE64URL.decode(token.substring(0, first)), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return "header is not base64url-encoded JSON";
    }
    if (!(header.getValue("alg") instanceof String alg) || alg.isEmpty()) {
      return "no alg";
    }
    if (alg.equalsIgnoreCase("none")) {
      return "alg none";
    }
    for (String name : header.fieldNames()) {
      if (FORBIDDEN_HEADERS.contains(name)) {
        return "header " + name + " is not accepted";
      }
    }
    Object typ = header.getValue("typ");
    if (typ != null && !"JWT".equalsIgnoreCase(String.valueOf(typ))) {
      return "typ is not JWT";
    }
    JwtKey key;
    if (header.containsKey("kid")) {
      if (!(header.getValue("kid") instanceof String kid) || !JwtKey.KID.matcher(kid).matches()) {
        return "malformed kid";
      }
      key = keys.find(kid);
      if (key == null) {
        return "unknown kid";
      }
    } else {
      key = keys.signingKey();
    }
    if (!key.algorithm().equals(alg)) {
      return "alg not allowed for this key";
    }
    try {
      if (BASE64URL.decode(token.substring(second + 1)).length != key.signatureLength()) {
        return "signature of the wrong length for " + alg;
      }
    } catch (IllegalArgumentException e) {
      return "signature is not base64url";
    }
    return key;
  }

  /** {@link JWTAuth} over the key ring: the header check, then the one verifier of the named key. */
  private final class CheckedAuth implements JWTAuth {

    @Override
    public Future<User> authenticate(Credentials credentials) {
      if (!(credentials instanceof TokenCredentials tokenCredentials)) {
        return invalid();
      }
      String token = tokenCredentials.getToken();
      VerifiedTokens.Entry hit = verified.get(token, System.currentTimeMillis() / 1000);
      if (hit != null) {
        return Future.succeededFuture(hit.user());
      }
      Object checked = check(token);
      if (checked instanceof String problem) {
        LOG.debug("Token refused before its signature was checked: {}", problem);
        return invalid();
      }
      return verifiers.get(((JwtKey) checked).kid()).authenticate(tokenCredentials)
          .recover(e -> invalid())
          .compose(user -> {
            JsonObject claims = claimsOf(user);
            if (!(claims.getValue("exp") instanceof Number)) {
              return invalid();
            }
            verified.put(token, user, claims);
            return Future.succeededFuture(user);
          });
    }

    @Override
    public String generateToken(JsonObject claims, JWTOptions options) {
      return signer.generateToken(claims, options);
    }

    @Override
    public String generateToken(JsonObject claims) {
      return signer.generateToken(claims, signOptions);
    }

    private Future<User> invalid() {
      return Future.failedFuture(new TokenException(TokenException.INVALID));
    }
  }
}
