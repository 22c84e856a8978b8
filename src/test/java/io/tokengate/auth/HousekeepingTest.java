package io.tokengate.auth;

import io.tokengate.server.Gateway;
import io.tokengate.cli.TokengateCommand;
import io.tokengate.support.Poll;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The purge of expired tokens and old throttle rows: on demand, on its schedule, and from the command line. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HousekeepingTest {

  private TestGateway gateway;
  private Users users;

  @BeforeAll
  void start() {
    // Batches of 2 so that every purge below needs several DELETEs.
    gateway = TestGateway.start(new JsonObject().put("housekeeping", new JsonObject().put("batch_size", 2)));
    users = new Users(gateway.database());
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  /** Inserts an outstanding token expiring at {@code now() + offset} (a SQL interval), blacklisted or not. */
  private void token(String jti, String offset, boolean blacklisted) {
    try (Connection conn = gateway.database().connect();
         PreparedStatement insert = conn.prepareStatement("INSERT INTO tokengate_outstanding_token"
             + " (jti, user_id, family, created_at, expires_at) VALUES (?, '1', ?, now() - interval '2 days', now() + ?::interval)"
             + " RETURNING id")) {
      insert.setString(1, jti);
      insert.setString(2, jti);
      insert.setString(3, offset);
      try (ResultSet rows = insert.executeQuery()) {
        rows.next();
        if (blacklisted) {
          try (PreparedStatement blacklist = conn.prepareStatement(
              "INSERT INTO tokengate_blacklisted_token (token_id) VALUES (?)")) {
            blacklist.setLong(1, rows.getLong(1));
            blacklist.executeUpdate();
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Five expired tokens (three blacklisted) and two live ones (one blacklisted), all named {@code prefix-*}. */
  private String arrange() {
    String prefix = UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < 5; i++) {
      token(prefix + "-expired-" + i, "-1 hour", i < 3);
    }
    token(prefix + "-live-0", "1 hour", false);
    token(prefix + "-live-1", "1 minute", true);
    return prefix;
  }

  private long outstanding(String prefix) {
    return users.count("SELECT count(*) FROM tokengate_outstanding_token WHERE jti LIKE '" + prefix + "-%'");
  }

  private long blacklisted(String prefix) {
    return users.count("SELECT count(*) FROM tokengate_blacklisted_token b JOIN tokengate_outstanding_token o"
        + " ON o.id = b.token_id WHERE o.jti LIKE '" + prefix + "-%'");
  }

  private long orphanBlacklistRows() {
    return users.count("SELECT count(*) FROM tokengate_blacklisted_token b WHERE NOT EXISTS"
        + " (SELECT 1 FROM tokengate_outstanding_token o WHERE o.id = b.token_id)");
  }

  private void assertOnlyLiveLeft(String prefix) {
    assertThat(outstanding(prefix)).isEqualTo(2);
    assertThat(users.count("SELECT count(*) FROM tokengate_outstanding_token WHERE jti LIKE '" + prefix + "-live-%'"))
        .isEqualTo(2);
    assertThat(blacklisted(prefix)).isEqualTo(1);
    assertThat(orphanBlacklistRows()).isZero();
  }

  @Test
  @DisplayName("a purge deletes every expired token in small batches, with its blacklist row, and keeps live ones")
  void purgeOnDemand() {
    String prefix = arrange();
    assertThat(outstanding(prefix)).isEqualTo(7);

    Object deleted = gateway.gateway().vertx().eventBus().request(HousekeepingVerticle.ADDRESS, null).await().body();

    assertThat(deleted).isEqualTo(5L);
    assertOnlyLiveLeft(prefix);
  }

  @Test
  @DisplayName("a purge deletes throttle rows: failures older than a day, known clients unseen for a year")
  void purgeThrottleRows() throws SQLException {
    try (Connection conn = gateway.database().connect()) {
      conn.createStatement().execute("INSERT INTO tokengate_login_failure (username, client, failed_at) VALUES"
          + " ('purge-old', '10.9.0.1', now() - interval '25 hours'), ('purge-new', '10.9.0.1', now() - interval '1 hour')");
      conn.createStatement().execute("INSERT INTO tokengate_login_known_client (username, client, succeeded_at) VALUES"
          + " ('purge-old', '10.9.0.1', now() - interval '366 days'), ('purge-new', '10.9.0.1', now() - interval '300 days')");
    }
    gateway.gateway().vertx().eventBus().request(HousekeepingVerticle.ADDRESS, null).await();
    assertThat(users.count("SELECT count(*) FROM tokengate_login_failure WHERE username LIKE 'purge-%'")).isEqualTo(1);
    assertThat(users.count("SELECT count(*) FROM tokengate_login_known_client WHERE username LIKE 'purge-%'")).isEqualTo(1);
    assertThat(users.count("SELECT count(*) FROM tokengate_login_known_client WHERE username = 'purge-new'")).isEqualTo(1);
  }

  @Test
  @DisplayName("the purge runs by itself every housekeeping.interval")
  void purgeOnSchedule() {
    String prefix = arrange();
    Gateway scheduled = gateway.startSibling(new JsonObject()
        .put("housekeeping", new JsonObject().put("interval", "PT1S").put("batch_size", 2)));
    try {
      Poll.until(Duration.ofSeconds(15), "the scheduled purge", () -> outstanding(prefix) == 2);
      assertOnlyLiveLeft(prefix);
    } finally {
      scheduled.close();
    }
  }

  @Test
  @DisplayName("tokens flush-expired uses the same batched purge")
  void commandLine(@TempDir Path dir) throws IOException {
    String prefix = arrange();
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, String.join("\n", List.of(
        "database:",
        "  url: \"" + gateway.database().url().toUrlWithPassword() + "\"",
        "housekeeping:",
        "  batch_size: 2",
        "")));

    int code = TokengateCommand.commandLine().execute("tokens", "flush-expired", "--config", config.toString());

    assertThat(code).isZero();
    assertOnlyLiveLeft(prefix);
  }
}
