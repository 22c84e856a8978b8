package io.tokengate.keys;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Base64;

/**
 * Makes new keys for {@code tokengate keys generate}: a key pair as PEM files (PKCS#8 private key
 * readable by its owner only, X.509 public key), or for HMAC a random secret file. Never overwrites
 * a file. Blocking (file system); for the command line.
 */
public final class KeyGenerator {

  /** What was written: the key's kid, the private (or secret) file and the public file (null for HMAC). */
  public record Written(String algorithm, String kid, Path privateFile, Path publicFile) {
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyGenerator() {
  }

  /** A new key for {@code algorithm}; {@code rsaBits} is used for RS* only. */
  public static JwtKey generate(String algorithm, int rsaBits) {
    try {
      if (Algorithms.isHmac(algorithm)) {
        // 64 random bytes as base64url text: every byte of the text is part of the secret
        byte[] random = new byte[64];
        RANDOM.nextBytes(random);
        byte[] secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random).getBytes(StandardCharsets.US_ASCII);
        return JwtKey.hmac(algorithm, secret, null);
      }
      KeyPairGenerator generator = KeyPairGenerator.getInstance(Algorithms.keyFactory(algorithm));
      switch (Algorithms.keyType(algorithm)) {
        case "RSA" -> {
          if (rsaBits < Algorithms.MIN_RSA_BITS) {
            throw new KeyException("RSA keys need at least " + Algorithms.MIN_RSA_BITS + " bits");
          }
          generator.initialize(new RSAKeyGenParameterSpec(rsaBits, RSAKeyGenParameterSpec.F4), RANDOM);
        }
        case "EC" -> generator.initialize(new ECGenParameterSpec(Algorithms.jcaCurve(algorithm)), RANDOM);
        default -> {
          // Ed25519 needs no parameters
        }
      }
      KeyPair pair = generator.generateKeyPair();
      return JwtKey.asymmetric(algorithm, pair.getPrivate(), pair.getPublic(), null);
    } catch (GeneralSecurityException e) {
      throw new KeyException("cannot generate a " + algorithm + " key: " + e.getMessage());
    }
  }

  /**
   * Writes {@code key} into {@code dir} (created if missing) as {@code <alg>-<kid prefix>.key} (mode
   * 0600) and, for a key pair, {@code <alg>-<kid prefix>.pub}.
   */
  public static Written write(JwtKey key, Path dir) throws IOException {
    Files.createDirectories(dir);
    String base = Algorithms.slug(key.algorithm()) + "-" + key.kid().substring(0, Math.min(12, key.kid().length()));
    Path privateFile = dir.resolve(base + ".key");
    Path publicFile = key.isHmac() ? null : dir.resolve(base + ".pub");
    for (Path file : new Path[] {privateFile, publicFile}) {
      if (file != null && Files.exists(file)) {
        throw new FileAlreadyExistsException(file.toString());
      }
    }
    // the secret, or the PKCS#8 PEM private key
    writeOwnerOnly(privateFile, key.signOptions().getBuffer().getBytes());
    if (publicFile != null) {
      Files.writeString(publicFile, PemKeys.write(key.publicKey()), StandardOpenOption.CREATE_NEW);
    }
    return new Written(key.algorithm(), key.kid(), privateFile, publicFile);
  }

  /** Created with mode 0600 from the start: there is no moment when others could read it. */
  private static void writeOwnerOnly(Path file, byte[] content) throws IOException {
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(content);
    }
  }
}
