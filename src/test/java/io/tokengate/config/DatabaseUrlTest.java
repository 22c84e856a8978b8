package io.tokengate.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.tokengate.db.Pools;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** database.url's query string: libpq's TLS parameters taken, anything else refused by name, the password never shown. */
class DatabaseUrlTest {

  @TempDir
  Path dir;

  private static DatabaseUrl parse(String text) {
    return DatabaseUrl.parse("database.url", text);
  }

  @Test
  @DisplayName("An unknown parameter stops start-up naming it (it was silently dropped)")
  void unknownParameterRefused() {
    assertThatThrownBy(() -> parse("postgresql://u:p@db:5432/gate?sslmode=require&ssl_mode=on"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("database.url")
        .hasMessageContaining("unknown parameter \"ssl_mode\"");
    assertThatThrownBy(() -> parse("postgresql://u:p@db/gate?sslmode=sometimes"))
        .hasMessageContaining("sslmode \"sometimes\" is not one of disable, prefer, require, verify-ca, verify-full");
  }

  @Test
  @DisplayName("verify-ca/verify-full need a readable sslrootcert; sslcert and sslkey go together")
  void certificateFilesChecked() throws IOException {
    assertThatThrownBy(() -> parse("postgresql://db/gate?sslmode=verify-full"))
        .hasMessageContaining("sslmode=verify-full needs sslrootcert");
    assertThatThrownBy(() -> parse("postgresql://db/gate?sslmode=verify-full&sslrootcert=/no/such/ca.pem"))
        .hasMessageContaining("sslrootcert file /no/such/ca.pem does not exist");
    Path cert = Files.writeString(dir.resolve("client.pem"), "x");
    assertThatThrownBy(() -> parse("postgresql://db/gate?sslmode=require&sslcert=" + cert))
        .hasMessageContaining("sslcert and sslkey go together");
  }

  @Test
  @DisplayName("The password stays masked in toString (logs) with TLS parameters; the pool gets host, user, password and sslmode")
  void maskedAndHandedToThePool() throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    DatabaseUrl url = parse("postgresql://gate:p%40ss%20w+rd@db.internal:6543/tokens?sslmode=verify-full&sslrootcert=" + ca);
    assertThat(url.toString()).isEqualTo("postgresql://gate:***@db.internal:6543/tokens?sslmode=verify-full&sslrootcert=" + ca);
    assertThat(url.toString()).doesNotContain("p@ss");
    assertThat(url.password()).isEqualTo("p@ss w+rd");
    assertThat(parse(url.toUrlWithPassword())).isEqualTo(url);

    PgConnectOptions options = Pools.connectOptions(new DatabaseConfig(url, 1, java.time.Duration.ofSeconds(1),
        java.time.Duration.ZERO, true, "unused"));
    assertThat(options.getHost()).isEqualTo("db.internal");
    assertThat(options.getPort()).isEqualTo(6543);
    assertThat(options.getDatabase()).isEqualTo("tokens");
    assertThat(options.getUser()).isEqualTo("gate");
    assertThat(options.getPassword()).isEqualTo("p@ss w+rd");
    assertThat(options.getSslMode()).isEqualTo(SslMode.VERIFY_FULL);
    assertThat(options.getProperties()).doesNotContainKeys("sslrootcert", "sslmode");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/tokens?sslmode=verify-full&sslrootcert="
        + java.net.URLEncoder.encode(ca.toString(), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("No sslmode means prefer (libpq's default); require with a root certificate means verify-ca (libpq's rule)")
  void effectiveModes() throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    assertThat(parse("postgresql://db/gate").effectiveSslMode()).isEqualTo("prefer");
    assertThat(parse("postgresql://db/gate?sslmode=disable").effectiveSslMode()).isEqualTo("disable");
    assertThat(parse("postgresql://db/gate?sslmode=require").effectiveSslMode()).isEqualTo("require");
    assertThat(parse("postgresql://db/gate?sslmode=require&sslrootcert=" + ca).effectiveSslMode()).isEqualTo("verify-ca");
    assertThat(parse("postgresql://db/gate").toString()).isEqualTo("postgresql://postgres@db:5432/gate");
  }
}
