package io.tokengate.keys;

import java.util.List;
import java.util.Locale;

/** The JWS algorithms tokengate signs and verifies with, and what each needs of a key. */
public final class Algorithms {

  /** Every algorithm accepted in configuration, in the spelling of RFC 7518 / RFC 8037. */
  public static final List<String> SUPPORTED = List.of(
      "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "EdDSA");

  /** The smallest RSA modulus accepted in prod mode. */
  public static final int MIN_RSA_BITS = 2048;

  private Algorithms() {
  }

  /** The canonical spelling of {@code name} (case-insensitive), or null when it is not supported. */
  public static String canonical(String name) {
    if (name == null) {
      return null;
    }
    for (String algorithm : SUPPORTED) {
      if (algorithm.equalsIgnoreCase(name.trim())) {
        return algorithm;
      }
    }
    return null;
  }

  public static boolean isHmac(String algorithm) {
    return algorithm.startsWith("HS");
  }

  /** The JWK key type: {@code oct}, {@code RSA}, {@code EC} or {@code OKP}. */
  public static String keyType(String algorithm) {
    if (isHmac(algorithm)) {
      return "oct";
    }
    if (algorithm.startsWith("RS")) {
      return "RSA";
    }
    if (algorithm.startsWith("ES")) {
      return "EC";
    }
    return "OKP";
  }

  /** The JCA key factory for an asymmetric algorithm. */
  static String keyFactory(String algorithm) {
    return switch (keyType(algorithm)) {
      case "RSA" -> "RSA";
      case "EC" -> "EC";
      case "OKP" -> "Ed25519";
      default -> throw new IllegalArgumentException("no key factory for " + algorithm);
    };
  }

  /** The HMAC secret length an algorithm needs: its hash size (RFC 7518, section 3.2). */
  public static int minSecretBytes(String algorithm) {
    return Integer.parseInt(algorithm.substring(2)) / 8;
  }

  /** The JWK curve name of an ECDSA or EdDSA algorithm. */
  static String curve(String algorithm) {
    return switch (algorithm) {
      case "ES256" -> "P-256";
      case "ES384" -> "P-384";
      case "ES512" -> "P-521";
      case "EdDSA" -> "Ed25519";
      default -> throw new IllegalArgumentException("no curve for " + algorithm);
    };
  }

  /** The JCA name of the standard curve of an ECDSA algorithm. */
  static String jcaCurve(String algorithm) {
    return switch (algorithm) {
      case "ES256" -> "secp256r1";
      case "ES384" -> "secp384r1";
      case "ES512" -> "secp521r1";
      default -> throw new IllegalArgumentException("no curve for " + algorithm);
    };
  }

  /** A JCA signature scheme for checking that a private and a public key belong together. */
  static String probeSignature(String algorithm) {
    return switch (keyType(algorithm)) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> "Ed25519";
    };
  }

  /** File-name prefix, e.g. {@code es256}. */
  static String slug(String algorithm) {
    return algorithm.toLowerCase(Locale.ROOT);
  }
}
