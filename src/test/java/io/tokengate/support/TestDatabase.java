package io.tokengate.support;

import io.tokengate.config.DatabaseUrl;
import io.tokengate.db.EmbeddedDatabase;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * A fresh, empty database for one test class on the server at {@code TOKENGATE_TEST_DATABASE_URL}
 * (default the local PostgreSQL), or on an embedded PostgreSQL when that server does not answer.
 * Dropped on close.
 */
public final class TestDatabase implements AutoCloseable {

  private static final String DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
  private static DatabaseUrl server;

  private final DatabaseUrl url;

  private TestDatabase(DatabaseUrl url) {
    this.url = url;
  }

  public static TestDatabase create() {
    DatabaseUrl admin = server();
    String name = "tg_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection conn = connect(admin); Statement statement = conn.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database on " + admin + ": " + e.getMessage(), e);
    }
    return new TestDatabase(admin.withDatabase(name));
  }

  public DatabaseUrl url() {
    return url;
  }

  public Connection connect() throws SQLException {
    return connect(url);
  }

  private static synchronized DatabaseUrl server() {
    if (server != null) {
      return server;
    }
    String configured = System.getenv().getOrDefault("TOKENGATE_TEST_DATABASE_URL", DEFAULT_URL);
    DatabaseUrl candidate = DatabaseUrl.parse("TOKENGATE_TEST_DATABASE_URL", configured);
    try (Connection ignored = connect(candidate)) {
      server = candidate;
    } catch (SQLException e) {
      Path dir = Path.of(System.getProperty("tokengate.project.dir", "."), "target", "embedded-pg");
      EmbeddedDatabase embedded = EmbeddedDatabase.start(dir, false);
      server = embedded.url().withDatabase("postgres");
    }
    return server;
  }

  static Connection connect(DatabaseUrl url) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", url.user());
    if (url.password() != null) {
      properties.setProperty("password", url.password());
    }
    properties.setProperty("connectTimeout", "3");
    return DriverManager.getConnection(url.jdbcUrl(), properties);
  }

  @Override
  public void close() {
    try (Connection conn = connect(url.withDatabase(server().database())); Statement statement = conn.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + url.database() + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + url.database() + ": " + e.getMessage(), e);
    }
  }
}
