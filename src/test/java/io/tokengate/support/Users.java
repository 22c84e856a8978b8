package io.tokengate.support;

import io.tokengate.auth.DjangoPasswordHasher;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Direct JDBC access to a test database's users, for arranging state and checking it afterwards. */
public final class Users {

  private final TestDatabase database;

  public Users(TestDatabase database) {
    this.database = database;
  }

  /** Creates a user with a 1000-iteration Django hash of {@code password}; returns its id. */
  public int create(String username, String password, boolean active) {
    return insert(username, new DjangoPasswordHasher(1000).encode(password), active, null);
  }

  /** Creates a user with the given encoded hash (and id, when not null); returns its id. */
  public int insert(String username, String encodedPassword, boolean active, Integer id) {
    String sql = id == null
        ? "INSERT INTO auth_user (password, username, is_active) VALUES (?, ?, ?) RETURNING id"
        : "INSERT INTO auth_user (password, username, is_active, id) VALUES (?, ?, ?, ?) RETURNING id";
    try (Connection conn = database.connect(); PreparedStatement statement = conn.prepareStatement(sql)) {
      statement.setString(1, encodedPassword);
      statement.setString(2, username);
      statement.setBoolean(3, active);
      if (id != null) {
        statement.setInt(4, id);
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public void setActive(String username, boolean active) {
    update("UPDATE auth_user SET is_active = ? WHERE username = ?", active, username);
  }

  public String passwordOf(String username) {
    return queryString("SELECT password FROM auth_user WHERE username = ?", username);
  }

  public long count(String sql) {
    try (Connection conn = database.connect(); ResultSet rows = conn.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public String queryString(String sql, String arg) {
    try (Connection conn = database.connect(); PreparedStatement statement = conn.prepareStatement(sql)) {
      statement.setString(1, arg);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void update(String sql, boolean flag, String name) {
    try (Connection conn = database.connect(); PreparedStatement statement = conn.prepareStatement(sql)) {
      statement.setBoolean(1, flag);
      statement.setString(2, name);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
