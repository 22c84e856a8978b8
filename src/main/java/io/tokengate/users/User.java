package io.tokengate.users;

import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;

/**
 * A row of the users table (Django's {@code auth_user} columns). {@code claimValue} is the value
 * of the configured {@code jwt.user_id_field} column, which tokens carry as the user id claim.
 */
public record User(
    long id,
    Object claimValue,
    String username,
    String password,
    String email,
    boolean isActive,
    boolean isStaff,
    boolean isSuperuser,
    OffsetDateTime lastLogin,
    OffsetDateTime dateJoined) {

  static User from(Row row, String userIdField) {
    return new User(
        row.getLong("id"),
        row.getValue(userIdField),
        row.getString("username"),
        row.getString("password"),
        row.getString("email"),
        row.getBoolean("is_active"),
        row.getBoolean("is_staff"),
        row.getBoolean("is_superuser"),
        row.getOffsetDateTime("last_login"),
        row.getOffsetDateTime("date_joined"));
  }

  /** This user with another stored hash (after a re-hash on login). */
  public User withPassword(String newPassword) {
    return new User(id, claimValue, username, newPassword, email, isActive, isStaff, isSuperuser, lastLogin, dateJoined);
  }

  @Override
  public String toString() {
    return "User[id=" + id + ", username=" + username + ", active=" + isActive + "]";
  }
}
