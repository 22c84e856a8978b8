package io.tokengate.db;

import io.tokengate.server.Gateway;
import io.tokengate.config.DatabaseConfig;
import io.tokengate.config.DatabaseUrl;
import io.tokengate.support.TestDatabase;
import io.tokengate.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS to PostgreSQL on a private cluster of the test's own (ssl=on, certificates made here with
 * the openssl CLI, pg_hba accepting TLS connections only), never the shared server: the pool, the
 * LISTEN connection and Flyway's JDBC all follow {@code sslmode} and its certificate files.
 */
class DatabaseTlsTest {

  @TempDir
  static Path dir;
  private static EmbeddedPostgres postgres;
  private static Path ca;
  private static Path otherCa;
  private static Path clientCert;
  private static Path clientKey;

  @BeforeAll
  static void startTlsCluster() throws Exception {
    ca = dir.resolve("ca.pem");
    otherCa = dir.resolve("other-ca.pem");
    clientCert = dir.resolve("client.pem");
    clientKey = dir.resolve("client.key");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=tokengate test CA",
        "-keyout", "ca.key", "-out", "ca.pem");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=tokengate test CA",
        "-keyout", "other-ca.key", "-out", "other-ca.pem");
    // the server's certificate names localhost only: connecting to 127.0.0.1 fails verify-full
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost\n");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr");
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
        "-extfile", "server.ext", "-out", "server.pem");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=certuser", "-keyout", "client.key", "-out", "client.csr");
    openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
        "-out", "client.pem");
    Files.setPosixFilePermissions(dir.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(clientKey, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(dir.resolve("pg_hba.conf"), String.join("\n",
        "local all all trust",
        "hostssl all certuser all cert",
        "hostssl all all all trust",
        ""));
    postgres = EmbeddedPostgres.builder()
        .setDataDirectory(dir.resolve("pgdata"))
        .setOverrideWorkingDirectory(dir.resolve("bin").toFile())
        .setServerConfig("ssl", "on")
        .setServerConfig("ssl_cert_file", dir.resolve("server.pem").toString())
        .setServerConfig("ssl_key_file", dir.resolve("server.key").toString())
        .setServerConfig("ssl_ca_file", ca.toString())
        .setServerConfig("hba_file", dir.resolve("pg_hba.conf").toString())
        .setPGStartupWait(Duration.ofSeconds(30))
        .start();
    try (Connection admin = jdbc(url("localhost", "postgres", "sslmode=require")); Statement statement = admin.createStatement()) {
      statement.execute("CREATE ROLE certuser LOGIN SUPERUSER");
    }
  }

  @AfterAll
  static void stopTlsCluster() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static void openssl(String... args) throws Exception {
    Process process = new ProcessBuilder(concat("openssl", args)).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("openssl " + String.join(" ", args) + ": " + output).isZero();
  }

  private static List<String> concat(String first, String[] rest) {
    List<String> all = new java.util.ArrayList<>(List.of(first));
    all.addAll(List.of(rest));
    return all;
  }

  private static DatabaseUrl url(String host, String user, String query) {
    return DatabaseUrl.parse("database.url", "postgresql://" + user + "@" + host + ":" + postgres.getPort() + "/postgres?" + query);
  }

  private static String file(Path path) {
    return URLEncoder.encode(path.toString(), StandardCharsets.UTF_8);
  }

  private static DatabaseConfig config(DatabaseUrl url) {
    return new DatabaseConfig(url, 2, Duration.ofSeconds(5), Duration.ZERO, true, "unused");
  }

  private static Connection jdbc(DatabaseUrl url) throws Exception {
    return new DatabaseBootstrap(config(url), "auth_user", "id").connect(url);
  }

  private static boolean jdbcEncrypted(DatabaseUrl url) throws Exception {
    try (Connection conn = jdbc(url); Statement statement = conn.createStatement();
         ResultSet rows = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      assertThat(rows.next()).isTrue();
      return rows.getBoolean(1);
    }
  }

  private static boolean encrypted(SqlClient client) {
    Row row = client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").execute().await().iterator().next();
    return row.getBoolean("ssl");
  }

  /** Connects through the pool and through the LISTEN connection of the revocation feed; true when both are encrypted. */
  private static boolean vertxEncrypted(DatabaseUrl url) {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Pools.create(vertx, config(url));
      PgSubscriber subscriber = PgSubscriber.subscriber(vertx, Pools.connectOptions(config(url)));
      subscriber.connect().await();
      return encrypted(pool) && encrypted(subscriber.actualConnection());
    } finally {
      vertx.close().await();
    }
  }

  private static String vertxFailure(DatabaseUrl url) {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Pools.create(vertx, config(url));
      assertThatThrownBy(() -> pool.query("SELECT 1").execute().await()).isInstanceOf(Exception.class);
      try {
        pool.query("SELECT 1").execute().await();
        return "connected";
      } catch (Exception e) {
        return String.valueOf(e.getMessage());
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("sslmode=require: the pool, the LISTEN connection and JDBC connect encrypted (pg_stat_ssl)")
  void requireEncrypts() throws Exception {
    DatabaseUrl url = url("127.0.0.1", "postgres", "sslmode=require");
    assertThat(vertxEncrypted(url)).isTrue();
    assertThat(jdbcEncrypted(url)).isTrue();
  }

  @Test
  @DisplayName("Without sslmode the default is prefer, as libpq: a TLS server gets encrypted connections")
  void preferByDefault() throws Exception {
    DatabaseUrl url = DatabaseUrl.parse("database.url", "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/postgres");
    assertThat(url.effectiveSslMode()).isEqualTo("prefer");
    assertThat(vertxEncrypted(url)).isTrue();
    assertThat(jdbcEncrypted(url)).isTrue();
  }

  @Test
  @DisplayName("A whole gateway starts over TLS only (Flyway, pool, revocation LISTEN) with verify-full and the right CA")
  void gatewayOverVerifyFull() throws Exception {
    DatabaseUrl url = url("localhost", "postgres", "sslmode=verify-full&sslrootcert=" + file(ca)).withDatabase("tokengate_tls");
    JsonObject json = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1))
        .put("database", new JsonObject().put("url", url.toUrlWithPassword()).put("pool_size", 2))
        .put("users", new JsonObject().put("password_iterations", 1000).put("hashing_threads", 1))
        .put("jwt", new JsonObject().put("signing_key", TestGateway.SIGNING_KEY))
        .put("management", new JsonObject().put("port", 0))
        .put("routes", new JsonArray());
    Gateway gateway = Gateway.start(TestGateway.config(json));
    try {
      assertThat(encrypted(gateway.pool())).isTrue();
      try (Connection conn = jdbc(url); Statement statement = conn.createStatement();
           ResultSet rows = statement.executeQuery("SELECT count(*), bool_and(s.ssl) FROM pg_stat_activity a"
               + " JOIN pg_stat_ssl s USING (pid) WHERE a.datname = 'tokengate_tls' AND a.pid <> pg_backend_pid()")) {
        rows.next();
        assertThat(rows.getInt(1)).as("the gateway's connections").isPositive();
        assertThat(rows.getBoolean(2)).isTrue();
        ResultSet history = conn.createStatement().executeQuery("SELECT count(*) FROM " + DatabaseBootstrap.HISTORY_TABLE);
        history.next();
        assertThat(history.getInt(1)).as("Flyway migrations applied over TLS").isPositive();
      }
    } finally {
      gateway.close();
    }
  }

  @Test
  @DisplayName("verify-full with the wrong CA is refused at start-up with one clear line")
  void wrongCaRefused() {
    DatabaseUrl url = url("localhost", "postgres", "sslmode=verify-full&sslrootcert=" + file(otherCa));
    assertThatThrownBy(() -> new DatabaseBootstrap(config(url), "auth_user", "id").prepare())
        .isInstanceOf(StartupException.class)
        .hasMessage("Database at localhost:" + postgres.getPort() + " failed the TLS check: the server's certificate"
            + " is not signed by the CA in sslrootcert " + otherCa + " (sslmode=verify-full)");
    assertThat(vertxFailure(url)).contains("SSL handshake failed");
  }

  @Test
  @DisplayName("verify-full to a host name the certificate does not list is refused with one clear line; verify-ca accepts it")
  void wrongHostRefused() throws Exception {
    DatabaseUrl url = url("127.0.0.1", "postgres", "sslmode=verify-full&sslrootcert=" + file(ca));
    assertThatThrownBy(() -> new DatabaseBootstrap(config(url), "auth_user", "id").prepare())
        .isInstanceOf(StartupException.class)
        .hasMessage("Database at 127.0.0.1:" + postgres.getPort() + " failed the TLS check: the server's certificate"
            + " is not issued for host 127.0.0.1 (sslmode=verify-full; connect by a name the certificate lists)");
    assertThat(vertxFailure(url)).isNotEqualTo("connected");

    DatabaseUrl caOnly = url("127.0.0.1", "postgres", "sslmode=verify-ca&sslrootcert=" + file(ca));
    assertThat(vertxEncrypted(caOnly)).isTrue();
    assertThat(jdbcEncrypted(caOnly)).isTrue();
  }

  @Test
  @DisplayName("sslmode=require against a server without TLS (the shared one, only connected to) is refused in one line, not retried")
  void requireWithoutServerTls() {
    try (TestDatabase plain = TestDatabase.create()) {
      DatabaseUrl url = DatabaseUrl.parse("database.url", plain.url().toUrlWithPassword() + "?sslmode=require");
      DatabaseConfig retrying = new DatabaseConfig(url, 2, Duration.ofSeconds(5), Duration.ofSeconds(30), true, "unused");
      long started = System.nanoTime();
      assertThatThrownBy(() -> new DatabaseBootstrap(retrying, "auth_user", "id").prepare())
          .isInstanceOf(StartupException.class)
          .hasMessage("Database at " + url.host() + ":" + url.port() + " failed the TLS check: the server does not accept"
              + " TLS connections (sslmode=require; enable ssl on the server or use sslmode=prefer)");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not retried for startup_retry").isLessThan(Duration.ofSeconds(10));
      assertThat(vertxFailure(url)).isNotEqualTo("connected");
    }
  }

  @Test
  @DisplayName("sslcert/sslkey present a client certificate (pg_hba 'cert'), to the pool and to JDBC")
  void clientCertificate() throws Exception {
    DatabaseUrl withCert = url("localhost", "certuser", "sslmode=verify-full&sslrootcert=" + file(ca)
        + "&sslcert=" + file(clientCert) + "&sslkey=" + file(clientKey));
    assertThat(vertxEncrypted(withCert)).isTrue();
    assertThat(jdbcEncrypted(withCert)).isTrue();

    DatabaseUrl without = url("localhost", "certuser", "sslmode=verify-full&sslrootcert=" + file(ca));
    assertThat(vertxFailure(without)).contains("requires a valid client certificate");
    assertThatThrownBy(() -> jdbc(without)).hasMessageContaining("requires a valid client certificate");
  }
}
