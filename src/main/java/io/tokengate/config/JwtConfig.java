package io.tokengate.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Token settings, named after Simple JWT's {@code SIMPLE_JWT} settings in snake case.
 * {@link #toString()} never shows a key.
 */
public record JwtConfig(
    String algorithm,
    String signingKey,
    String verifyingKey,
    String audience,
    String issuer,
    int leewaySeconds,
    Duration accessTokenLifetime,
    Duration refreshTokenLifetime,
    boolean rotateRefreshTokens,
    boolean blacklistAfterRotation,
    boolean updateLastLogin,
    String userIdField,
    String userIdClaim,
    List<String> authHeaderTypes,
    boolean revokeAccess,
    boolean developmentKey) {

  /** Used only in dev mode when no key is configured; prod mode refuses it. */
  public static final String DEVELOPMENT_KEY = "tokengate-development-key-do-not-use-in-production-0123456789";

  private static final Set<String> ALGORITHMS = Set.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512");

  static JwtConfig fromJson(ConfigReader in, Mode mode) {
    in.onlyKeys(Set.of("algorithm", "signing_key", "verifying_key", "audience", "issuer", "leeway",
        "access_token_lifetime", "refresh_token_lifetime", "rotate_refresh_tokens", "blacklist_after_rotation",
        "update_last_login", "user_id_field", "user_id_claim", "auth_header_types", "revoke_access"));
    String algorithm = in.string("algorithm", "HS256").toUpperCase();
    if (!ALGORITHMS.contains(algorithm)) {
      throw new ConfigException(in.key("algorithm"), "unsupported algorithm \"" + algorithm + "\" (supported: "
          + String.join(", ", ALGORITHMS.stream().sorted().toList()) + ")");
    }
    String signingKey = in.string("signing_key", "");
    boolean developmentKey = false;
    if (signingKey.isEmpty()) {
      if (!mode.isDev()) {
        throw new ConfigException(in.key("signing_key"), "required in prod mode (at least 256 bits, e.g. 32 random bytes; "
            + "set TOKENGATE_JWT_SIGNING_KEY)");
      }
      if (!algorithm.startsWith("HS")) {
        throw new ConfigException(in.key("signing_key"), "required for " + algorithm + " (a PEM private key)");
      }
      signingKey = DEVELOPMENT_KEY;
      developmentKey = true;
    }
    String verifyingKey = in.string("verifying_key", "");
    if (algorithm.startsWith("HS")) {
      int minBytes = Integer.parseInt(algorithm.substring(2)) / 8;
      int bytes = signingKey.getBytes(StandardCharsets.UTF_8).length;
      if (!mode.isDev() && signingKey.equals(DEVELOPMENT_KEY)) {
        throw new ConfigException(in.key("signing_key"), "is the public development key; prod mode needs a secret one");
      }
      if (!mode.isDev() && bytes < minBytes) {
        throw new ConfigException(in.key("signing_key"), "too short for " + algorithm + ": " + bytes * 8
            + " bits, at least " + minBytes * 8 + " needed");
      }
    } else if (verifyingKey.isEmpty()) {
      throw new ConfigException(in.key("verifying_key"), "required for " + algorithm + " (a PEM public key)");
    }
    List<String> headerTypes = in.strings("auth_header_types", List.of("Bearer"));
    if (headerTypes.isEmpty()) {
      throw new ConfigException(in.key("auth_header_types"), "must name at least one type, e.g. [Bearer]");
    }
    String userIdClaim = in.string("user_id_claim", "user_id");
    if (userIdClaim.isEmpty()) {
      throw new ConfigException(in.key("user_id_claim"), "may not be empty");
    }
    String userIdField = in.string("user_id_field", "id");
    if (!userIdField.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new ConfigException(in.key("user_id_field"), "not a plain column name: \"" + userIdField + "\"");
    }
    return new JwtConfig(
        algorithm,
        signingKey,
        verifyingKey,
        in.string("audience", ""),
        in.string("issuer", ""),
        in.integer("leeway", 0, 0, 86_400),
        in.duration("access_token_lifetime", Duration.ofMinutes(5), Duration.ofSeconds(1)),
        in.duration("refresh_token_lifetime", Duration.ofDays(1), Duration.ofSeconds(1)),
        in.bool("rotate_refresh_tokens", true),
        in.bool("blacklist_after_rotation", true),
        in.bool("update_last_login", false),
        userIdField,
        userIdClaim,
        headerTypes,
        in.bool("revoke_access", true),
        developmentKey);
  }

  public boolean symmetric() {
    return algorithm.startsWith("HS");
  }

  @Override
  public String toString() {
    return "JwtConfig[algorithm=" + algorithm + ", signingKey=***, audience=" + audience + ", issuer=" + issuer
        + ", leeway=" + leewaySeconds + ", accessTokenLifetime=" + accessTokenLifetime
        + ", refreshTokenLifetime=" + refreshTokenLifetime + ", rotateRefreshTokens=" + rotateRefreshTokens
        + ", blacklistAfterRotation=" + blacklistAfterRotation + ", updateLastLogin=" + updateLastLogin
        + ", userIdField=" + userIdField + ", userIdClaim=" + userIdClaim + ", authHeaderTypes=" + authHeaderTypes
        + ", revokeAccess=" + revokeAccess + ", developmentKey=" + developmentKey + "]";
  }
}
