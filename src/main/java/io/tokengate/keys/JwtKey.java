package io.tokengate.keys;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * One JWS key: its {@code kid}, the one algorithm it may be used with, and the key material (an
 * HMAC secret, or a public key with or without its private key). The {@code kid} is the configured
 * one or else the key's RFC 7638 JWK thumbprint (SHA-256, base64url), so it is stable across
 * restarts and instances. Immutable and thread-safe; {@link #toString()} shows no key material.
 */
public final class JwtKey {

  /** What a {@code kid} may look like: no path, quote or SQL characters can pass. */
  public static final Pattern KID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

  private final String kid;
  private final String algorithm;
  private final byte[] secret;
  private final PublicKey publicKey;
  private final PrivateKey privateKey;
  private final JsonObject jwk;

  private JwtKey(String kid, String algorithm, byte[] secret, PublicKey publicKey, PrivateKey privateKey, JsonObject jwk) {
    this.algorithm = algorithm;
    this.secret = secret;
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.jwk = jwk;
    this.kid = kid == null || kid.isEmpty() ? thumbprint(jwk) : checkKid(kid);
  }

  /** An HMAC key; {@code kid} null or empty means the thumbprint. */
  public static JwtKey hmac(String algorithm, byte[] secret, String kid) {
    requireAlgorithm(algorithm);
    if (!Algorithms.isHmac(algorithm)) {
      throw new KeyException(algorithm + " is not an HMAC algorithm");
    }
    if (secret.length == 0) {
      throw new KeyException("the HMAC secret is empty");
    }
    JsonObject jwk = new JsonObject().put("k", BASE64URL.encodeToString(secret)).put("kty", "oct");
    return new JwtKey(kid, algorithm, secret.clone(), null, null, jwk);
  }

  /**
   * An asymmetric key for {@code algorithm}: a public key, and the matching private key when this
   * key signs. Checks the key type and curve, and that the two keys belong together.
   */
  public static JwtKey asymmetric(String algorithm, PrivateKey privateKey, PublicKey publicKey, String kid) {
    requireAlgorithm(algorithm);
    if (Algorithms.isHmac(algorithm)) {
      throw new KeyException(algorithm + " is an HMAC algorithm: it takes a secret, not a key pair");
    }
    JsonObject jwk = publicJwk(algorithm, publicKey);
    if (privateKey != null) {
      checkPair(algorithm, privateKey, publicKey);
    }
    return new JwtKey(kid, algorithm, null, publicKey, privateKey, jwk);
  }

  /** From PEM text: {@code privatePem} may be null (a verification-only key). */
  public static JwtKey fromPem(String algorithm, String privatePem, String publicPem, String kid) {
    requireAlgorithm(algorithm);
    PrivateKey privateKey = privatePem == null ? null : PemKeys.readPrivate(privatePem, algorithm);
    return asymmetric(algorithm, privateKey, PemKeys.readPublic(publicPem, algorithm), kid);
  }

  public String kid() {
    return kid;
  }

  public String algorithm() {
    return algorithm;
  }

  public boolean isHmac() {
    return secret != null;
  }

  public boolean canSign() {
    return secret != null || privateKey != null;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** The public JWK ({@code kty, kid, alg, use} and the public parameters); null for an HMAC key. */
  public JsonObject publicJwk() {
    if (isHmac()) {
      return null;
    }
    JsonObject result = new JsonObject().put("kty", jwk.getString("kty")).put("kid", kid).put("alg", algorithm).put("use", "sig");
    for (String name : jwk.fieldNames()) {
      result.put(name, jwk.getValue(name));
    }
    return result;
  }

  /** The RFC 7638 thumbprint of this key (for an HMAC key, of its secret: keep it as private as the tokens). */
  public String thumbprint() {
    return thumbprint(jwk);
  }

  /** Vert.x options that verify with this key only (the secret or the public key), bound to its algorithm and kid. */
  public PubSecKeyOptions verifyOptions() {
    Buffer buffer = isHmac() ? Buffer.buffer(secret) : Buffer.buffer(PemKeys.write(publicKey));
    return new PubSecKeyOptions().setAlgorithm(algorithm).setId(kid).setBuffer(buffer);
  }

  /** Vert.x options that sign with this key (the secret or the private key). */
  public PubSecKeyOptions signOptions() {
    if (!canSign()) {
      throw new IllegalStateException("key " + kid + " has no private key");
    }
    Buffer buffer = isHmac() ? Buffer.buffer(secret) : Buffer.buffer(PemKeys.write(privateKey));
    return new PubSecKeyOptions().setAlgorithm(algorithm).setId(kid).setBuffer(buffer);
  }

  /**
   * The exact length in bytes of a JWS signature made with this key (RFC 7518): the hash size for
   * HMAC, the modulus size for RSA, twice the coordinate size for ECDSA (R||S, never DER), 64 for
   * Ed25519. Anything else is malformed, and refusing it keeps signatures from being malleable.
   */
  public int signatureLength() {
    if (isHmac()) {
      return Algorithms.minSecretBytes(algorithm);
    }
    if (publicKey instanceof RSAKey rsa) {
      return (rsa.getModulus().bitLength() + 7) / 8;
    }
    if (publicKey instanceof ECKey ec) {
      return 2 * ((ec.getParams().getCurve().getField().getFieldSize() + 7) / 8);
    }
    return 64;
  }

  /** Why prod mode must refuse this key (a secret shorter than the hash, RSA under 2048 bits), or null. */
  public String weakness() {
    if (isHmac()) {
      int min = Algorithms.minSecretBytes(algorithm);
      return secret.length < min
          ? "too short for " + algorithm + ": " + secret.length * 8 + " bits, at least " + min * 8 + " needed"
          : null;
    }
    if (publicKey instanceof RSAKey rsa && rsa.getModulus().bitLength() < Algorithms.MIN_RSA_BITS) {
      return "RSA key of " + rsa.getModulus().bitLength() + " bits is too weak, at least " + Algorithms.MIN_RSA_BITS + " needed";
    }
    return null;
  }

  @Override
  public String toString() {
    return "JwtKey[kid=" + kid + ", alg=" + algorithm + (canSign() ? ", signs" : "") + "]";
  }

  private static void requireAlgorithm(String algorithm) {
    if (algorithm == null || !Algorithms.SUPPORTED.contains(algorithm)) {
      throw new KeyException("unsupported algorithm \"" + algorithm + "\" (supported: " + String.join(", ", Algorithms.SUPPORTED) + ")");
    }
  }

  private static String checkKid(String kid) {
    if (!KID.matcher(kid).matches()) {
      throw new KeyException("a kid must be 1 to 128 of A-Z a-z 0-9 . _ -");
    }
    return kid;
  }

  /** RFC 7638: SHA-256 over the required members, in lexicographic order, without white space. */
  private static String thumbprint(JsonObject jwk) {
    StringBuilder json = new StringBuilder("{");
    jwk.fieldNames().stream().sorted().forEach(name -> {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append('"').append(name).append("\":\"").append(jwk.getString(name)).append('"');
    });
    json.append('}');
    try {
      return BASE64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(json.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The required public members of the JWK (RFC 7518 section 6, RFC 8037), checked against the algorithm. */
  private static JsonObject publicJwk(String algorithm, PublicKey key) {
    switch (Algorithms.keyType(algorithm)) {
      case "RSA": {
        if (!(key instanceof RSAPublicKey rsa)) {
          throw new KeyException(algorithm + " needs an RSA key");
        }
        return new JsonObject().put("e", unsigned(rsa.getPublicExponent())).put("kty", "RSA").put("n", unsigned(rsa.getModulus()));
      }
      case "EC": {
        if (!(key instanceof ECPublicKey ec) || !sameCurve(ec, Algorithms.jcaCurve(algorithm))) {
          throw new KeyException(algorithm + " needs an EC key on curve " + Algorithms.curve(algorithm));
        }
        int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        return new JsonObject().put("crv", Algorithms.curve(algorithm)).put("kty", "EC")
            .put("x", fixed(ec.getW().getAffineX(), size)).put("y", fixed(ec.getW().getAffineY(), size));
      }
      default: {
        byte[] spki = key.getEncoded();
        if (!(key instanceof EdECKey ed) || !"Ed25519".equals(ed.getParams().getName()) || spki.length != 44
            || !Arrays.equals(Arrays.copyOf(spki, 12), ED25519_SPKI_PREFIX)) {
          throw new KeyException(algorithm + " needs an Ed25519 key");
        }
        return new JsonObject().put("crv", "Ed25519").put("kty", "OKP")
            .put("x", BASE64URL.encodeToString(Arrays.copyOfRange(spki, 12, 44)));
      }
    }
  }

  private static boolean sameCurve(ECKey key, String jcaCurve) {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(jcaCurve));
      ECParameterSpec expected = parameters.getParameterSpec(ECParameterSpec.class);
      ECParameterSpec actual = key.getParams();
      return expected.getCurve().equals(actual.getCurve()) && expected.getOrder().equals(actual.getOrder())
          && expected.getGenerator().equals(actual.getGenerator());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static void checkPair(String algorithm, PrivateKey privateKey, PublicKey publicKey) {
    byte[] probe = "tokengate key pair probe".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(Algorithms.probeSignature(algorithm));
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(Algorithms.probeSignature(algorithm));
      verifier.initVerify(publicKey);
      verifier.update(probe);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyException("the private key is not a " + Algorithms.keyType(algorithm) + " key usable with " + algorithm);
    }
    throw new KeyException("the private key and the public key do not belong together");
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return BASE64URL.encodeToString(bytes);
  }

  private static String fixed(BigInteger value, int size) {
    byte[] bytes = value.toByteArray();
    byte[] result = new byte[size];
    int copy = Math.min(bytes.length, size);
    System.arraycopy(bytes, bytes.length - copy, result, size - copy, copy);
    return BASE64URL.encodeToString(result);
  }
}
