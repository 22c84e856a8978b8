package io.tokengate.config;

import io.tokengate.keys.Algorithms;
import io.tokengate.keys.JwtKey;
import io.tokengate.keys.KeyException;
import io.tokengate.keys.KeyRing;
import io.tokengate.keys.PemKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Token settings, named after Simple JWT's {@code SIMPLE_JWT} settings in snake case, plus the
 * keys: {@code signing_key}/{@code verifying_key} inline or as {@code *_file}, {@code key_id} and
 * {@code previous_verifying_keys}, loaded and checked once into a {@link KeyRing}.
 * {@link #signingKey()} and {@link #verifyingKey()} are the resolved texts (inline or file).
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
    boolean developmentKey,
    KeyRing keys,
    SimpleJwtBlacklist simplejwtBlacklist) {

  /**
   * {@code jwt.simplejwt_blacklist}: whether Simple JWT's own {@code token_blacklist_*} tables are
   * shared. {@code AUTO} (the default) is resolved at start-up to {@code ON} when both tables exist
   * in the database, else {@code OFF}; {@code ON} with a table missing stops start-up.
   */
  public enum SimpleJwtBlacklist { AUTO, ON, OFF }

  /** Used only in dev mode when no key is configured; prod mode refuses it. */
  public static final String DEVELOPMENT_KEY = "tokengate-development-key-do-not-use-in-production-0123456789";

  static JwtConfig fromJson(ConfigReader in, Mode mode) {
    in.onlyKeys(Set.of("algorithm", "signing_key", "signing_key_file", "verifying_key", "verifying_key_file", "key_id",
        "previous_verifying_keys", "audience", "issuer", "leeway", "access_token_lifetime", "refresh_token_lifetime",
        "rotate_refresh_tokens", "blacklist_after_rotation", "update_last_login", "user_id_field", "user_id_claim",
        "auth_header_types", "revoke_access", "simplejwt_blacklist"));
    String algorithm = algorithm(in, "algorithm", "HS256");
    KeyText signing = keyText(in, "signing_key");
    boolean developmentKey = false;
    if (signing.text().isEmpty()) {
      if (!mode.isDev()) {
        throw new ConfigException(in.key("signing_key"), "required in prod mode (at least 256 bits, e.g. 32 random bytes; "
            + "set TOKENGATE_JWT_SIGNING_KEY or jwt.signing_key_file)");
      }
      if (!Algorithms.isHmac(algorithm)) {
        throw new ConfigException(in.key("signing_key"), "required for " + algorithm + " (a PEM private key; "
            + "make one with: tokengate keys generate --alg " + algorithm + ")");
      }
      signing = new KeyText(in.key("signing_key"), DEVELOPMENT_KEY);
      developmentKey = true;
    }
    KeyText verifying = keyText(in, "verifying_key");
    if (Algorithms.isHmac(algorithm)) {
      if (!mode.isDev() && signing.text().equals(DEVELOPMENT_KEY)) {
        throw new ConfigException(signing.key(), "is the public development key; prod mode needs a secret one");
      }
    } else if (verifying.text().isEmpty()) {
      throw new ConfigException(in.key("verifying_key"), "required for " + algorithm + " (a PEM public key)");
    }
    String keyId = kid(in, "key_id");
    JwtKey current;
    if (Algorithms.isHmac(algorithm)) {
      current = JwtKey.hmac(algorithm, signing.text().getBytes(StandardCharsets.UTF_8), keyId);
    } else {
      PrivateKey privateKey = readPrivate(signing, algorithm);
      PublicKey publicKey = readPublic(verifying, algorithm);
      try {
        current = JwtKey.asymmetric(algorithm, privateKey, publicKey, keyId);
      } catch (KeyException e) {
        // the key types were checked when reading: what is left is the public key's curve, or a pair that does not match
        throw new ConfigException(verifying.key(), e.getMessage());
      }
    }
    refuseWeak(current, signing.key(), mode);
    KeyRing keys = keyRing(in, current, algorithm, mode);
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
    String sharing = in.string("simplejwt_blacklist", "auto");
    if (!Set.of("auto", "on", "off").contains(sharing)) {
      throw new ConfigException(in.key("simplejwt_blacklist"), "must be auto, on or off, not \"" + sharing + "\"");
    }
    return new JwtConfig(
        algorithm,
        signing.text(),
        verifying.text(),
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
        developmentKey,
        keys,
        SimpleJwtBlacklist.valueOf(sharing.toUpperCase(java.util.Locale.ROOT)));
  }

  /** This configuration with {@code simplejwt_blacklist} resolved (start-up, once the database is known). */
  public JwtConfig withSimplejwtBlacklist(SimpleJwtBlacklist resolved) {
    return new JwtConfig(algorithm, signingKey, verifyingKey, audience, issuer, leewaySeconds, accessTokenLifetime,
        refreshTokenLifetime, rotateRefreshTokens, blacklistAfterRotation, updateLastLogin, userIdField, userIdClaim,
        authHeaderTypes, revokeAccess, developmentKey, keys, resolved);
  }

  /** Whether Simple JWT's blacklist tables are shared (after start-up resolved {@code AUTO}). */
  public boolean sharesSimplejwtBlacklist() {
    return simplejwtBlacklist == SimpleJwtBlacklist.ON;
  }

  /** A key's text and the config key it came from (for messages): inline {@code name} or {@code name_file}. */
  private record KeyText(String key, String text) {
  }

  private static String algorithm(ConfigReader in, String name, String fallback) {
    String value = in.string(name, fallback);
    String algorithm = Algorithms.canonical(value);
    if (algorithm == null) {
      throw new ConfigException(in.key(name), "unsupported algorithm \"" + value + "\" (supported: "
          + String.join(", ", Algorithms.SUPPORTED) + ")");
    }
    return algorithm;
  }

  /** A configured kid ("" = derive it from the key): no path, quote or SQL characters. */
  private static String kid(ConfigReader in, String name) {
    String kid = in.string(name, "");
    if (!kid.isEmpty() && !JwtKey.KID.matcher(kid).matches()) {
      throw new ConfigException(in.key(name), "a kid must be 1 to 128 of A-Z a-z 0-9 . _ -");
    }
    return kid;
  }

  /** The inline value of {@code name}, or the content of the file named by {@code name_file}; never both. */
  private static KeyText keyText(ConfigReader in, String name) {
    String inline = in.string(name, "");
    String file = in.string(name + "_file", "");
    if (file.isEmpty()) {
      return new KeyText(in.key(name), inline);
    }
    if (!inline.isEmpty()) {
      throw new ConfigException(in.key(name + "_file"), "set either " + in.key(name) + " or " + in.key(name + "_file") + ", not both");
    }
    try {
      // a trailing newline (echo > file) is not part of a secret
      String text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        throw new ConfigException(in.key(name + "_file"), "file is empty: " + file);
      }
      return new KeyText(in.key(name + "_file"), text);
    } catch (CharacterCodingException e) {
      throw new ConfigException(in.key(name + "_file"), "not UTF-8 text: " + file);
    } catch (IOException | InvalidPathException e) {
      throw new ConfigException(in.key(name + "_file"), "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static PrivateKey readPrivate(KeyText text, String algorithm) {
    try {
      return PemKeys.readPrivate(text.text(), algorithm);
    } catch (KeyException e) {
      throw new ConfigException(text.key(), e.getMessage());
    }
  }

  private static PublicKey readPublic(KeyText text, String algorithm) {
    try {
      return PemKeys.readPublic(text.text(), algorithm);
    } catch (KeyException e) {
      throw new ConfigException(text.key(), e.getMessage());
    }
  }

  private static void refuseWeak(JwtKey key, String configKey, Mode mode) {
    String weakness = key.weakness();
    if (!mode.isDev() && weakness != null) {
      throw new ConfigException(configKey, weakness);
    }
  }

  /** The current key plus {@code previous_verifying_keys}: a list of {@code {kid, algorithm, key | key_file}}. */
  private static KeyRing keyRing(ConfigReader in, JwtKey current, String algorithm, Mode mode) {
    JsonArray list = in.array("previous_verifying_keys");
    List<JwtKey> previous = new ArrayList<>();
    Set<String> kids = new HashSet<>(Set.of(current.kid()));
    for (int i = 0; i < list.size(); i++) {
      String prefix = in.key("previous_verifying_keys") + "[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject item)) {
        throw new ConfigException(prefix, "must be a mapping with kid, algorithm and key or key_file");
      }
      ConfigReader entry = new ConfigReader(prefix, item).onlyKeys(Set.of("kid", "algorithm", "key", "key_file"));
      String entryAlgorithm = algorithm(entry, "algorithm", algorithm);
      KeyText text = keyText(entry, "key");
      if (text.text().isEmpty()) {
        throw new ConfigException(entry.key("key"), "required (the old HMAC secret, or the old PEM public key), or key_file");
      }
      String kid = kid(entry, "kid");
      JwtKey key;
      try {
        key = Algorithms.isHmac(entryAlgorithm)
            ? JwtKey.hmac(entryAlgorithm, text.text().getBytes(StandardCharsets.UTF_8), kid)
            : JwtKey.asymmetric(entryAlgorithm, null, readPublic(text, entryAlgorithm), kid);
      } catch (KeyException e) {
        throw new ConfigException(text.key(), e.getMessage());
      }
      refuseWeak(key, text.key(), mode);
      if (!kids.add(key.kid())) {
        throw new ConfigException(entry.key("kid"), "kid \"" + key.kid() + "\" is already used by another key");
      }
      previous.add(key);
    }
    return KeyRing.of(current, previous);
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
        + ", revokeAccess=" + revokeAccess + ", simplejwtBlacklist=" + simplejwtBlacklist + ", developmentKey=" + developmentKey + ", keys=" + keys + "]";
  }
}
