package io.tokengate.support;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * A Django 3.2 + Simple JWT 5.2 app sharing a test database, emulated by the SQL its ORM issues
 * (Django is not installed here): the schema Django's migrations make ({@code django/simplejwt-schema.sql}),
 * {@code RefreshToken.for_user}, {@code BlacklistMixin.blacklist} and {@code check_blacklist}.
 */
public final class DjangoSide {

  /** {@code correct horse battery staple}, 1000 PBKDF2 iterations. */
  public static final String HASH = "pbkdf2_sha256$1000$Mz5uQN8XILYm7Lk3JhRV8b$e2Dk8mSPqCvWH8F/y6Mj7J9ejVNjVq7Y7Aq39/cVJGA=";
  public static final String PASSWORD = "correct horse battery staple";

  private final TestDatabase database;

  private DjangoSide(TestDatabase database) {
    this.database = database;
  }

  /** Builds Django's auth_user and Simple JWT's token_blacklist tables in {@code database}. */
  public static DjangoSide migrate(TestDatabase database) {
    try (InputStream in = DjangoSide.class.getResourceAsStream("/django/simplejwt-schema.sql");
        Connection conn = database.connect()) {
      conn.createStatement().execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException | SQLException e) {
      throw new IllegalStateException(e);
    }
    return new DjangoSide(database);
  }

  /** A gateway configuration for this database: prod mode, Django's users table, schema left alone. */
  public static JsonObject gatewayConfig(TestDatabase database) {
    JsonObject config = TestGateway.baseConfig(database).put("mode", "prod");
    config.getJsonObject("database").put("manage_schema", false);
    config.getJsonObject("users").put("table", "auth_user");
    return config;
  }

  /** The same configuration as a {@code --config} file for the command line, written to {@code dir/django.yaml}. */
  public static Path configFile(Path dir, TestDatabase database) throws IOException {
    Path config = dir.resolve("django.yaml");
    Files.writeString(config, "mode: prod\n"
        + "database:\n  url: \"" + database.url().toUrlWithPassword() + "\"\n  manage_schema: false\n"
        + "users:\n  table: auth_user\n"
        + "jwt:\n  signing_key: \"" + TestGateway.SIGNING_KEY + "\"\n"
        + "http:\n  host: 127.0.0.1\n");
    return config;
  }

  /** {@code User.objects.create_user}: an active user with password {@link #PASSWORD}; returns its id. */
  public int createUser(String username) {
    return (int) update("INSERT INTO auth_user (password, last_login, is_superuser, username, first_name, last_name, email,"
        + " is_staff, is_active, date_joined) VALUES (?, NULL, false, ?, '', '', '', false, true, now()) RETURNING id", HASH, username);
  }

  /** Django's admin or {@code set_password} + {@code save()}: a new hash. */
  public void setPasswordHash(String username, String hash) {
    update("UPDATE auth_user SET password = ? WHERE username = ?", hash, username);
  }

  public void setActive(String username, boolean active) {
    update("UPDATE auth_user SET is_active = " + active + " WHERE username = ?", username);
  }

  /** {@code RefreshToken.for_user(user)} with the blacklist app: the new token's OutstandingToken row. */
  public void forUser(int userId, String token) {
    JsonObject claims = Jwts.payload(token);
    update("INSERT INTO token_blacklist_outstandingtoken (user_id, jti, token, created_at, expires_at)"
        + " VALUES (?, ?, ?, ?, ?) RETURNING id", userId, claims.getString("jti"), token,
        Timestamp.from(Instant.ofEpochSecond(claims.getLong("iat"))), Timestamp.from(Instant.ofEpochSecond(claims.getLong("exp"))));
  }

  /** {@code BlacklistMixin.blacklist()}: OutstandingToken get_or_create by jti, then BlacklistedToken get_or_create. */
  public void blacklist(String token) {
    JsonObject claims = Jwts.payload(token);
    Long id = outstandingId(claims.getString("jti"));
    if (id == null) {
      id = update("INSERT INTO token_blacklist_outstandingtoken (user_id, jti, token, created_at, expires_at)"
          + " VALUES (NULL, ?, ?, NULL, ?) RETURNING id", claims.getString("jti"), token,
          Timestamp.from(Instant.ofEpochSecond(claims.getLong("exp"))));
    }
    if (count("SELECT count(*) FROM token_blacklist_blacklistedtoken WHERE token_id = ?", id) == 0) {
      update("INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at) VALUES (?, ?) RETURNING id",
          id, Timestamp.from(Instant.now()));
    }
  }

  /** {@code check_blacklist()}: whether Django refuses this token as blacklisted. */
  public boolean isBlacklisted(String token) {
    return count("SELECT count(*) FROM (SELECT 1 AS a FROM token_blacklist_blacklistedtoken INNER JOIN token_blacklist_outstandingtoken"
        + " ON (token_blacklist_blacklistedtoken.token_id = token_blacklist_outstandingtoken.id)"
        + " WHERE token_blacklist_outstandingtoken.jti = ? LIMIT 1) q", Jwts.payload(token).getString("jti")) > 0;
  }

  /** The OutstandingToken row of a jti as {@code {token, user_id, created_at, expires_at}} (epoch seconds), or null. */
  public JsonObject outstanding(String jti) {
    try (Connection conn = database.connect(); PreparedStatement statement = conn.prepareStatement(
        "SELECT token, user_id, extract(epoch FROM created_at)::bigint, extract(epoch FROM expires_at)::bigint"
            + " FROM token_blacklist_outstandingtoken WHERE jti = ?")) {
      statement.setString(1, jti);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next()
            ? new JsonObject().put("token", rows.getString(1)).put("user_id", (Integer) rows.getObject(2))
                .put("created_at", rows.getLong(3)).put("expires_at", rows.getLong(4))
            : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private Long outstandingId(String jti) {
    try (Connection conn = database.connect();
        PreparedStatement statement = conn.prepareStatement("SELECT id FROM token_blacklist_outstandingtoken WHERE jti = ? LIMIT 21")) {
      statement.setString(1, jti);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getLong(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public long count(String sql, Object... args) {
    try (Connection conn = database.connect(); PreparedStatement statement = conn.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a statement; with RETURNING, gives the first column of its row, else the row count. */
  private long update(String sql, Object... args) {
    try (Connection conn = database.connect(); PreparedStatement statement = conn.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      if (sql.contains("RETURNING")) {
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          return rows.getLong(1);
        }
      }
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
