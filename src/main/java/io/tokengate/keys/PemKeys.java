package io.tokengate.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes PEM keys: PKCS#8 {@code PRIVATE KEY} and X.509 {@code PUBLIC KEY}, the forms
 * {@code openssl genpkey} and {@code openssl pkey -pubout} write. Error messages never quote the key.
 */
public final class PemKeys {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

  private PemKeys() {
  }

  /** The first PKCS#8 private key in {@code pem}, for {@code algorithm}'s key type. */
  public static PrivateKey readPrivate(String pem, String algorithm) {
    byte[] der = block(pem, "PRIVATE KEY");
    try {
      return KeyFactory.getInstance(Algorithms.keyFactory(algorithm)).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyException("not a " + Algorithms.keyType(algorithm) + " private key (PKCS#8) usable with " + algorithm);
    }
  }

  /** The first X.509 (SubjectPublicKeyInfo) public key in {@code pem}, for {@code algorithm}'s key type. */
  public static PublicKey readPublic(String pem, String algorithm) {
    byte[] der = block(pem, "PUBLIC KEY");
    try {
      return KeyFactory.getInstance(Algorithms.keyFactory(algorithm)).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyException("not a " + Algorithms.keyType(algorithm) + " public key usable with " + algorithm);
    }
  }

  /** {@code -----BEGIN PRIVATE KEY-----} (PKCS#8) or {@code -----BEGIN PUBLIC KEY-----} (X.509). */
  public static String write(Key key) {
    String type = key instanceof PrivateKey ? "PRIVATE KEY" : "PUBLIC KEY";
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static byte[] block(String pem, String wanted) {
    if (pem == null || !pem.contains("-----BEGIN ")) {
      throw new KeyException("not a PEM file (expected -----BEGIN " + wanted + "-----)");
    }
    Matcher matcher = BLOCK.matcher(pem);
    while (matcher.find()) {
      String type = matcher.group(1);
      if (type.equals(wanted)) {
        try {
          return Base64.getMimeDecoder().decode(matcher.group(2));
        } catch (IllegalArgumentException e) {
          throw new KeyException("PEM " + wanted + " block is not valid base64");
        }
      }
      if (type.equals("ENCRYPTED PRIVATE KEY")) {
        throw new KeyException("encrypted private keys are not supported (decrypt with: openssl pkcs8 -topk8 -nocrypt)");
      }
      if (type.equals("RSA PRIVATE KEY") || type.equals("EC PRIVATE KEY")) {
        throw new KeyException("PEM " + type + " is not PKCS#8 (convert with: openssl pkcs8 -topk8 -nocrypt -in KEY)");
      }
      if (type.equals("RSA PUBLIC KEY")) {
        throw new KeyException("PEM RSA PUBLIC KEY is PKCS#1 (convert with: openssl rsa -RSAPublicKey_in -pubout -in KEY)");
      }
    }
    throw new KeyException("no PEM " + wanted + " block found");
  }
}
