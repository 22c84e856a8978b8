package io.tokengate.keys;

import com.nimbusds.jose.jwk.JWKSet;
import io.tokengate.cli.TokengateCommand;
import io.tokengate.config.GatewayConfig;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Jwts;
import io.tokengate.support.TestGateway;
import io.tokengate.support.TestKeys;
import io.tokengate.support.Users;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tokengate keys generate}, run in-process; the files it writes are then used by a real gateway. */
@DisplayName("keys generate")
class KeysCommandTest {

  private static final Pattern LINE = Pattern.compile("Wrote a new (\\S+) (key pair|secret) \\(kid ([A-Za-z0-9_-]+)\\) to .*; "
      + "set jwt\\.algorithm=(\\S+?)(?:,| and) jwt\\.signing_key_file=(\\S+?)(?: and jwt\\.verifying_key_file=(\\S+?))?\\.\\s*");

  @TempDir
  Path dir;

  record Run(int code, String out, String err) {
  }

  private static synchronized Run run(String... args) {
    PrintStream originalOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      CommandLine line = TokengateCommand.commandLine();
      line.setErr(new PrintWriter(err, true));
      int code = line.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(originalOut);
    }
  }

  @Test
  @DisplayName("ES256: writes a PEM pair (private key 0600), prints one line with the config keys, and a gateway runs on it")
  void es256() throws Exception {
    Path out = dir.resolve("conf/keys");
    Run run = run("keys", "generate", "--alg", "ES256", "--out", out.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out().lines()).hasSize(1);
    Matcher line = LINE.matcher(run.out());
    assertThat(line.matches()).as(run.out()).isTrue();
    assertThat(line.group(1)).isEqualTo("ES256");
    assertThat(line.group(4)).isEqualTo("ES256");
    Path privateFile = Path.of(line.group(5));
    Path publicFile = Path.of(line.group(6));
    assertThat(privateFile).startsWith(out).exists();
    assertThat(publicFile).startsWith(out).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile))).isEqualTo("rw-------");
    assertThat(Files.readString(privateFile)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(Files.readString(publicFile)).startsWith("-----BEGIN PUBLIC KEY-----\n").doesNotContain("PRIVATE");

    JsonObject jwt = new JsonObject().put("algorithm", "ES256").put("signing_key", "")
        .put("signing_key_file", privateFile.toString()).put("verifying_key_file", publicFile.toString());
    try (TestGateway gateway = TestGateway.start(new JsonObject().put("jwt", jwt));
         HttpTestClient http = new HttpTestClient(gateway.port())) {
      new Users(gateway.database()).create("alice", "wonderland", true);
      String access = http.login("alice", "wonderland").getString("access");
      assertThat(Jwts.header(access).getString("kid")).isEqualTo(line.group(3));
      JWKSet jwks = JWKSet.parse(http.get(JwksHandler.PATH, null).bodyAsString());
      assertThat(TestKeys.verifiesWith(access, jwks.getKeyByKeyId(line.group(3)))).isTrue();
    }
  }

  @Test
  @DisplayName("HS512, EdDSA and RS256 (2048 bits): the written files are accepted by prod-mode configuration")
  void otherAlgorithms() throws Exception {
    for (String[] args : new String[][] {{"HS512"}, {"EdDSA"}, {"RS256", "--rsa-bits", "2048"}}) {
      String alg = args[0];
      List<String> command = new ArrayList<>(List.of("keys", "generate", "--out", dir.toString(), "--alg"));
      command.addAll(List.of(args));
      Run run = run(command.toArray(new String[0]));
      assertThat(run.code()).as(run.err()).isZero();
      Matcher line = LINE.matcher(run.out());
      assertThat(line.matches()).as(run.out()).isTrue();
      Path privateFile = Path.of(line.group(5));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile))).isEqualTo("rw-------");
      JsonObject jwt = new JsonObject().put("algorithm", alg).put("signing_key_file", privateFile.toString());
      if (line.group(6) != null) {
        jwt.put("verifying_key_file", line.group(6));
      } else {
        assertThat(alg).startsWith("HS");
      }
      GatewayConfig config = TestGateway.config(new JsonObject().put("mode", "prod").put("http", new JsonObject().put("host", "127.0.0.1"))
          .put("database", new JsonObject().put("url", "postgresql://u@h/d")).put("jwt", jwt));
      assertThat(config.jwt().keys().signingKey().kid()).isEqualTo(line.group(3));
      assertThat(config.jwt().keys().signingKey().algorithm()).isEqualTo(alg);
    }
  }

  @Test
  @DisplayName("keys list shows the signing key and the previous keys with their kids and algorithms, no key material")
  void list() throws Exception {
    Run generated = run("keys", "generate", "--alg", "EdDSA", "--out", dir.toString());
    Matcher line = LINE.matcher(generated.out());
    assertThat(line.matches()).as(generated.out()).isTrue();
    String secret = "old-secret-0123456789abcdef0123456789abcdef";
    Path config = TestKeys.write(dir, "keys.yaml", "jwt:\n  algorithm: EdDSA\n"
        + "  signing_key_file: " + line.group(5) + "\n  verifying_key_file: " + line.group(6) + "\n"
        + "  previous_verifying_keys:\n    - {kid: old-hs, algorithm: HS256, key: " + secret + "}\n");
    Run list = run("keys", "list", "--config", config.toString());
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out().lines()).containsExactly(
        "signing   EdDSA " + line.group(3) + " (in JWKS)",
        "verifying HS256 old-hs");
    assertThat(list.out()).doesNotContain(secret).doesNotContain("BEGIN");
  }

  @Test
  @DisplayName("refuses an unknown algorithm and an RSA key under 2048 bits, with one line and exit code 1")
  void refusals() {
    Run none = run("keys", "generate", "--alg", "none", "--out", dir.toString());
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err().strip()).startsWith("tokengate: unsupported algorithm \"none\"");
    Run weak = run("keys", "generate", "--alg", "RS256", "--rsa-bits", "1024", "--out", dir.toString());
    assertThat(weak.code()).isEqualTo(1);
    assertThat(weak.err().strip()).isEqualTo("tokengate: RSA keys need at least 2048 bits");
    assertThat(dir).isEmptyDirectory();
  }
}
