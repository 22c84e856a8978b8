package io.tokengate.auth;

import io.tokengate.config.JwtConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.List;

/**
 * Signs and verifies JWS tokens with vertx-auth-jwt, using only the configured key and algorithm.
 * Verification checks the signature, {@code exp} (required, with leeway), {@code nbf}/{@code iat}
 * not in the future, and {@code aud}/{@code iss} when configured; what a token is for
 * ({@code token_type}) is the caller's to check. One instance per verticle; runs on its thread.
 */
public final class TokenCodec {

  private final JWTAuth auth;
  private final JWTOptions signOptions;
  private final JwtConfig config;

  public TokenCodec(Vertx vertx, JwtConfig config) {
    this.config = config;
    this.auth = JWTAuth.create(vertx, authOptions(config));
    // Simple JWT's header, byte for byte: {"alg":"HS256","typ":"JWT"}
    this.signOptions = new JWTOptions().setAlgorithm(config.algorithm()).setNoTimestamp(true)
        .setHeader(new JsonObject().put("alg", config.algorithm()).put("typ", "JWT"));
  }

  /** The options every verifier of our tokens uses; never without a key (an empty key list means "unsecured"). */
  public static JWTAuthOptions authOptions(JwtConfig config) {
    JWTOptions verify = new JWTOptions().setLeeway(config.leewaySeconds());
    if (!config.audience().isEmpty()) {
      verify.setAudience(List.of(config.audience()));
    }
    if (!config.issuer().isEmpty()) {
      verify.setIssuer(config.issuer());
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(verify);
    if (config.symmetric()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(config.algorithm()).setBuffer(config.signingKey()));
    } else {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(config.algorithm()).setBuffer(config.signingKey()));
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(config.algorithm()).setBuffer(config.verifyingKey()));
    }
    if (options.getPubSecKeys() == null || options.getPubSecKeys().isEmpty()) {
      throw new IllegalStateException("refusing to build an unsecured JWT verifier");
    }
    return options;
  }

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
    return auth.generateToken(payload, signOptions);
  }

  /** The verified claims, or a failed future with {@link TokenException} ({@value TokenException#INVALID}). */
  public Future<JsonObject> verify(String token) {
    return auth.authenticate(new TokenCredentials(token))
        .map(TokenCodec::claimsOf)
        .recover(e -> Future.failedFuture(new TokenException(TokenException.INVALID)))
        .compose(claims -> claims.getValue("exp") instanceof Number
            ? Future.succeededFuture(claims)
            : Future.failedFuture(new TokenException(TokenException.INVALID)));
  }

  /** The claims of a user authenticated by {@link JWTAuth} (here or by {@code JWTAuthHandler}). */
  public static JsonObject claimsOf(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken");
    return claims != null ? claims : user.principal();
  }
}
