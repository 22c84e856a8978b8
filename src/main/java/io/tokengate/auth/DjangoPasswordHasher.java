package io.tokengate.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Django's {@code pbkdf2_sha256$<iterations>$<salt>$<base64 hash>} password format. Every method is
 * CPU-bound and blocking: call it on a worker thread, never on an event loop. Thread-safe.
 */
public final class DjangoPasswordHasher {

  public static final String ALGORITHM = "pbkdf2_sha256";
  private static final String SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final int SALT_LENGTH = 22;

  private final int iterations;
  private final SecureRandom random = new SecureRandom();
  private final String decoy;

  public DjangoPasswordHasher(int iterations) {
    this.iterations = iterations;
    // Only its iteration count matters: checking any password against it costs a real hash and
    // fails. Built, not computed, so constructing a hasher costs nothing at start-up.
    this.decoy = ALGORITHM + "$" + iterations + "$tokengatedecoysalt0000$" + Base64.getEncoder().encodeToString(new byte[32]);
  }

  /** A new hash of {@code password} with the configured iteration count and a random salt. */
  public String encode(String password) {
    StringBuilder salt = new StringBuilder(SALT_LENGTH);
    for (int i = 0; i < SALT_LENGTH; i++) {
      salt.append(SALT_CHARS.charAt(random.nextInt(SALT_CHARS.length())));
    }
    return encode(password, salt.toString(), iterations);
  }

  static String encode(String password, String salt, int iterations) {
    return ALGORITHM + "$" + iterations + "$" + salt + "$" + Base64.getEncoder().encodeToString(derive(password, salt, iterations));
  }

  /**
   * Whether {@code password} matches {@code encoded}. An unusable ({@code !...}), malformed or
   * foreign-algorithm hash never matches. A {@code null} encoded hash (unknown user) costs the same
   * work as a real one, so response time tells nothing about which usernames exist.
   */
  public boolean verify(String password, String encoded) {
    if (encoded == null) {
      verify(password, decoy);
      return false;
    }
    String[] parts = encoded.split("\\$", -1);
    if (parts.length != 4 || !ALGORITHM.equals(parts[0])) {
      verify(password, decoy);
      return false;
    }
    int rounds;
    try {
      rounds = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      verify(password, decoy);
      return false;
    }
    if (rounds < 1 || rounds > 100_000_000) {
      verify(password, decoy);
      return false;
    }
    byte[] expected;
    try {
      expected = Base64.getDecoder().decode(parts[3]);
    } catch (IllegalArgumentException e) {
      verify(password, decoy);
      return false;
    }
    byte[] actual = derive(password, parts[2], rounds);
    return MessageDigest.isEqual(expected, actual);
  }

  /** One throw-away hash, so the JIT has compiled PBKDF2 before the first real login (blocking: a worker thread). */
  public void warmUp() {
    verify("tokengate-warm-up", decoy);
  }

  /**
   * Whether a matching hash should be re-encoded with the current settings: only when it has fewer
   * iterations than configured. Unlike Django's {@code must_update} (which also lowers a count), a
   * stronger hash (e.g. Django 5's 870,000 or 1,000,000) is never re-hashed down.
   */
  public boolean needsUpgrade(String encoded) {
    String[] parts = encoded == null ? new String[0] : encoded.split("\\$", -1);
    if (parts.length != 4 || !ALGORITHM.equals(parts[0])) {
      return false;
    }
    try {
      return Integer.parseInt(parts[1]) < iterations;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  public static boolean usable(String encoded) {
    return encoded != null && !encoded.startsWith("!");
  }

  private static byte[] derive(String password, String salt, int rounds) {
    try {
      SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt.getBytes(StandardCharsets.UTF_8), rounds, 256);
      try {
        return factory.generateSecret(spec).getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
    }
  }
}
