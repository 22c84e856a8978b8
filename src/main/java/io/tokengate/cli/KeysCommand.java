package io.tokengate.cli;

import io.tokengate.keys.Algorithms;
import io.tokengate.keys.JwtKey;
import io.tokengate.keys.KeyException;
import io.tokengate.keys.KeyGenerator;
import io.tokengate.keys.KeyRing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/**
 * Signing keys: {@code generate} writes a new key pair (or HMAC secret) to PEM files; {@code list}
 * shows the configured keys (kid, algorithm, role), never their material.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage signing keys.",
    subcommands = {KeysCommand.Generate.class, KeysCommand.ListKeys.class})
public final class KeysCommand {

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Show the configured keys: one line each with role, algorithm and kid.")
  static final class ListKeys implements Runnable {
    @Mixin ConfigOptions config;

    @Override
    public void run() {
      KeyRing keys = config.load().jwt().keys();
      for (JwtKey key : keys.verificationKeys()) {
        String role = key == keys.signingKey() ? "signing  " : "verifying";
        System.out.println(role + " " + key.algorithm() + " " + key.kid() + (key.isHmac() ? "" : " (in JWKS)"));
      }
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true, description = "Write a new signing key: a PEM key pair (private key mode 0600), or an HMAC secret.")
  static final class Generate implements Runnable {
    @Option(names = "--alg", required = true, paramLabel = "ALG",
        description = "HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512 or EdDSA")
    String algorithm;

    @Option(names = "--out", defaultValue = "conf/keys", paramLabel = "DIR", description = "directory to write to (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--rsa-bits", defaultValue = "3072", paramLabel = "BITS", description = "RSA modulus size (default: ${DEFAULT-VALUE}, at least 2048)")
    int rsaBits;

    @Override
    public void run() {
      String alg = Algorithms.canonical(algorithm);
      if (alg == null) {
        throw new CommandFailure("unsupported algorithm \"" + algorithm + "\" (supported: " + String.join(", ", Algorithms.SUPPORTED) + ")");
      }
      KeyGenerator.Written written;
      try {
        JwtKey key = KeyGenerator.generate(alg, rsaBits);
        written = KeyGenerator.write(key, out);
      } catch (KeyException e) {
        throw new CommandFailure(e.getMessage());
      } catch (FileAlreadyExistsException e) {
        throw new CommandFailure("will not overwrite " + e.getFile());
      } catch (IOException | UnsupportedOperationException e) {
        throw new CommandFailure("cannot write to " + out + ": " + e);
      }
      if (written.publicFile() == null) {
        System.out.println("Wrote a new " + alg + " secret (kid " + written.kid() + ") to " + written.privateFile()
            + " (mode 0600); set jwt.algorithm=" + alg + " and jwt.signing_key_file=" + written.privateFile() + ".");
      } else {
        System.out.println("Wrote a new " + alg + " key pair (kid " + written.kid() + ") to " + written.privateFile()
            + " (private, mode 0600) and " + written.publicFile() + "; set jwt.algorithm=" + alg
            + ", jwt.signing_key_file=" + written.privateFile() + " and jwt.verifying_key_file=" + written.publicFile() + ".");
      }
    }
  }
}
