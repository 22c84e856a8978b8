package io.tokengate.db;

import io.tokengate.config.DatabaseConfig;
import io.tokengate.config.DatabaseUrl;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLException;

/**
 * Start-up work on the database over JDBC, before any verticle runs: wait until the server
 * answers, create the database if it is missing, and apply the Flyway migrations. Blocking by
 * design; never called on an event loop.
 */
public final class DatabaseBootstrap {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseBootstrap.class);
  public static final String HISTORY_TABLE = "tokengate_schema_history";

  private final DatabaseConfig config;
  private final String usersTable;
  private final String userIdField;

  public DatabaseBootstrap(DatabaseConfig config, String usersTable, String userIdField) {
    this.config = config;
    this.usersTable = usersTable;
    this.userIdField = userIdField;
  }

  /** Waits for the server, retrying with back-off up to {@code database.startup_retry}, then creates the database. */
  public void prepare() {
    DatabaseUrl url = config.url();
    long deadline = System.nanoTime() + config.startupRetry().toNanos();
    Duration pause = Duration.ofMillis(250);
    while (true) {
      try {
        createDatabaseIfMissing(url);
        return;
      } catch (SQLException e) {
        long remaining = deadline - System.nanoTime();
        if (tlsFailure(e) || !unreachable(e) || remaining <= 0) {
          throw failure(url, e);
        }
        Duration wait = Duration.ofNanos(Math.min(pause.toNanos(), remaining));
        LOG.warn("Database at {}:{} not reachable ({}); retrying in {} ms", url.host(), url.port(),
            e.getMessage(), wait.toMillis());
        sleep(wait);
        pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : pause.multipliedBy(2);
      }
    }
  }

  /** Applies pending migrations. With {@code manage_schema: false} the users table is left alone. */
  public MigrateResult migrate() {
    List<String> locations = new ArrayList<>();
    locations.add("classpath:db/migration/tokens");
    if (config.manageSchema()) {
      locations.add("classpath:db/migration/users");
    }
    DatabaseUrl url = config.url();
    Flyway flyway = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .locations(locations.toArray(new String[0]))
        .table(HISTORY_TABLE)
        .placeholders(Map.of("users_table", usersTable, "user_id_field", userIdField))
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .outOfOrder(true)
        .ignoreMigrationPatterns("*:missing", "*:ignored")
        .connectRetries(0)
        .load();
    try {
      MigrateResult result = flyway.migrate();
      if (result.migrationsExecuted > 0) {
        LOG.info("Applied {} database migration(s); schema now at version {}", result.migrationsExecuted, result.targetSchemaVersion);
      }
      return result;
    } catch (RuntimeException e) {
      throw new StartupException("Database migrations could not be applied to " + url + ": " + oneLine(e.getMessage()));
    }
  }

  /**
   * The users-table migrations that make the user-change trigger, in order. On a database whose
   * users table belongs to Django ({@code manage_schema: false}) they are not run by Flyway; only
   * {@link #installUserTriggers} runs them, on request.
   */
  private static final List<String> USER_TRIGGER_SCRIPTS = List.of(
      "db/migration/users/V5__user_change_trigger.sql", "db/migration/users/V7__user_change_announced_by_insert.sql");

  /**
   * {@code tokengate migrate --django-triggers}: installs (or brings up to date) on the users table
   * the trigger that turns a password change, a deactivation or a deletion into a revocation,
   * whoever makes it (Django's admin, plain SQL). The only change tokengate makes to a table it
   * does not own; idempotent; one transaction.
   */
  public void installUserTriggers() {
    try (Connection conn = connect(config.url()); Statement statement = conn.createStatement()) {
      conn.setAutoCommit(false);
      for (String script : USER_TRIGGER_SCRIPTS) {
        statement.execute(resource(script).replace("${users_table}", usersTable).replace("${user_id_field}", userIdField));
      }
      conn.commit();
      LOG.info("Installed the user-change trigger on {}", usersTable);
    } catch (SQLException e) {
      throw new StartupException("The user-change trigger could not be installed on " + usersTable + ": " + oneLine(e.getMessage()));
    }
  }

  private static String resource(String path) {
    try (var in = DatabaseBootstrap.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Whether both of Simple JWT's token_blacklist tables exist (on the search path). */
  public boolean hasSimplejwtBlacklist() {
    try (Connection conn = connect(config.url()); Statement statement = conn.createStatement();
        ResultSet rows = statement.executeQuery("SELECT to_regclass('token_blacklist_outstandingtoken') IS NOT NULL"
            + " AND to_regclass('token_blacklist_blacklistedtoken') IS NOT NULL")) {
      rows.next();
      return rows.getBoolean(1);
    } catch (SQLException e) {
      throw new StartupException("Database " + config.url() + " could not be inspected: " + oneLine(e.getMessage()));
    }
  }

  private void createDatabaseIfMissing(DatabaseUrl url) throws SQLException {
    try (Connection ignored = connect(url)) {
      return;
    } catch (SQLException e) {
      if (!"3D000".equals(e.getSQLState())) {
        throw e;
      }
    }
    try (Connection admin = connect(url.withDatabase("postgres")); Statement statement = admin.createStatement()) {
      try (PreparedStatement exists = admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        exists.setString(1, url.database());
        try (ResultSet rows = exists.executeQuery()) {
          if (rows.next()) {
            return;
          }
        }
      }
      statement.execute("CREATE DATABASE \"" + url.database().replace("\"", "\"\"") + "\"");
      LOG.info("Created database {}", url.database());
    }
  }

  public Connection connect(DatabaseUrl url) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", url.user());
    if (url.password() != null) {
      properties.setProperty("password", url.password());
    }
    properties.setProperty("connectTimeout", String.valueOf(Math.max(1, config.connectTimeout().toSeconds())));
    properties.setProperty("loginTimeout", String.valueOf(Math.max(1, config.connectTimeout().toSeconds())));
    return DriverManager.getConnection(url.jdbcUrl(), properties);
  }

  private static boolean unreachable(SQLException e) {
    String state = e.getSQLState();
    return e instanceof PSQLException && state != null
        && (state.startsWith("08") || state.equals(PSQLState.CONNECTION_UNABLE_TO_CONNECT.getState())
            || state.equals("57P03"));
  }

  /** pgjdbc reports a failed TLS handshake or certificate check as a connection failure: it is not worth retrying. */
  private static boolean tlsFailure(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return true;
      }
    }
    String message = e.getMessage();
    String state = e.getSQLState();
    return message != null && state != null && state.startsWith("08")
        && (message.contains("SSL") || message.contains("could not be verified by hostnameverifier"));
  }

  /** One line naming what failed: the certificate's issuer, its host name, or TLS support on the server. */
  static String tlsProblem(DatabaseUrl url, String message) {
    String mode = "sslmode=" + url.effectiveSslMode();
    if (message.contains("PKIX") || message.contains("certification path")) {
      return "the server's certificate is not signed by the CA in sslrootcert " + url.sslRootCert() + " (" + mode + ")";
    }
    if (message.contains("hostname") || message.contains("subject alternative") || message.contains("No name matching")) {
      return "the server's certificate is not issued for host " + url.host() + " (" + mode + "; connect by a name the certificate lists)";
    }
    if (message.contains("does not support SSL")) {
      return "the server does not accept TLS connections (" + mode + "; enable ssl on the server or use sslmode=prefer)";
    }
    return oneLine(message) + " (" + mode + ")";
  }

  private StartupException failure(DatabaseUrl url, SQLException e) {
    if (tlsFailure(e)) {
      return new StartupException("Database at " + url.host() + ":" + url.port() + " failed the TLS check: "
          + tlsProblem(url, String.valueOf(e.getMessage())));
    }
    if (unreachable(e)) {
      return new StartupException("Database unreachable at " + url.host() + ":" + url.port() + " (gave up after "
          + config.startupRetry().toSeconds() + "s; check database.url / TOKENGATE_DATABASE_URL and that PostgreSQL is running)");
    }
    return new StartupException("Database " + url + " refused the connection: " + oneLine(e.getMessage()));
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("Interrupted while waiting for the database");
    }
  }
}
