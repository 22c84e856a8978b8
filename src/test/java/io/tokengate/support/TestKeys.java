package io.tokengate.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;

/**
 * Keys for tests, made here with plain JCA and never committed, written as PEM files; and
 * checks with Nimbus JOSE+JWT, a JOSE implementation independent of the code under test.
 */
public final class TestKeys {

  private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

  private TestKeys() {
  }

  /** A fresh key pair: RSA 2048 for RS*, the algorithm's curve for ES*, Ed25519 for EdDSA. */
  public static KeyPair generate(String algorithm) {
    try {
      if (algorithm.startsWith("RS")) {
        return rsa(2048);
      }
      if (algorithm.startsWith("ES")) {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(switch (algorithm) {
          case "ES256" -> "secp256r1";
          case "ES384" -> "secp384r1";
          default -> "secp521r1";
        }));
        return generator.generateKeyPair();
      }
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PKCS#8 {@code PRIVATE KEY} or X.509 {@code PUBLIC KEY} PEM, as openssl writes them. */
  public static String pem(Key key) {
    String type = key instanceof PrivateKey ? "PRIVATE KEY" : "PUBLIC KEY";
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END " + type + "-----\n";
  }

  public static Path write(Path dir, String name, String content) {
    try {
      return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code jwt} config section for {@code pair}, as key files in {@code dir} (inline test key cleared). */
  public static JsonObject jwtFiles(String algorithm, KeyPair pair, Path dir, String name) {
    return new JsonObject()
        .put("algorithm", algorithm)
        .put("signing_key", "")
        .put("signing_key_file", write(dir, name + ".key", pem(pair.getPrivate())).toString())
        .put("verifying_key_file", write(dir, name + ".pub", pem(pair.getPublic())).toString());
  }

  /** Signs {@code payload} with Nimbus under {@code header} (RSA or EC private key). */
  public static String sign(JWSHeader header, JsonObject payload, PrivateKey key) {
    try {
      JWSObject jws = new JWSObject(header, new Payload(payload.encode()));
      jws.sign(key instanceof RSAPrivateKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECPrivateKey) key));
      return jws.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether Nimbus finds {@code token}'s signature valid under {@code jwk} (a public JWK from our JWKS). */
  public static boolean verifiesWith(String token, JWK jwk) {
    try {
      JWSObject jws = JWSObject.parse(token);
      if (jwk instanceof OctetKeyPair okp) {
        // Nimbus' own Ed25519Verifier needs Google Tink; the JWK parsing is Nimbus', the signature check plain JCA
        byte[] spki = new byte[44];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, 12);
        System.arraycopy(okp.getDecodedX(), 0, spki, 12, 32);
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        Signature signature = Signature.getInstance("Ed25519");
        signature.initVerify(key);
        signature.update(jws.getSigningInput());
        return signature.verify(jws.getSignature().decode());
      }
      JWSVerifier verifier = switch (jwk.getKeyType().getValue()) {
        case "RSA" -> new RSASSAVerifier(jwk.toRSAKey());
        case "EC" -> new ECDSAVerifier(jwk.toECKey());
        default -> throw new IllegalArgumentException("not a public key type: " + jwk.getKeyType());
      };
      return jws.verify(verifier);
    } catch (ParseException | JOSEException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether Nimbus finds an HMAC-signed {@code token} valid under {@code secret}. */
  public static boolean verifiesWithSecret(String token, String secret) {
    try {
      return JWSObject.parse(token).verify(new MACVerifier(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (ParseException | JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
