package io.tokengate.users;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * The users table, through the async pool. The table and id column names come from validated
 * configuration (plain identifiers), never from requests. Thread-safe; results complete on the
 * caller's context.
 */
public final class UserRepository {

  private static final String COLUMNS = "id, password, last_login, is_superuser, username, email, is_staff, is_active, date_joined";

  private final Pool pool;
  private final String table;
  private final String userIdField;
  private final String columns;

  public UserRepository(Pool pool, String table, String userIdField) {
    this.pool = pool;
    this.table = table;
    this.userIdField = userIdField;
    this.columns = COLUMNS.contains(userIdField) ? COLUMNS : COLUMNS + ", " + userIdField;
  }

  /** The user with this username, or {@code null}. */
  public Future<User> findByUsername(String username) {
    return one(pool, "SELECT " + columns + " FROM " + table + " WHERE username = $1", Tuple.of(username));
  }

  /**
   * A scalar subquery giving whether the user whose {@code user_id_field} equals a token's user id
   * claim is active (NULL when there is no such user or no claim), with its one parameter as
   * {@code $param}. Another statement embeds it, so checking the user costs no statement and no
   * round trip of its own.
   */
  public Subquery isActiveByClaim(Object claimValue, int param) {
    return columnByClaim("is_active", claimValue, param);
  }

  /**
   * As {@link #isActiveByClaim}, for another column or expression of the row ({@code expression} is
   * SQL from code, never from a request).
   */
  public Subquery columnByClaim(String expression, Object claimValue, int param) {
    String select = "(SELECT " + expression + " FROM " + table + " WHERE " + userIdField;
    if (claimValue instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
      // an integer id (Django's default): compared as bigint, so the primary key index is used
      return new Subquery(select + " = $" + param + "::bigint)", number.longValue());
    }
    return new Subquery(select + "::text = $" + param + ")", claimValue == null ? null : String.valueOf(claimValue));
  }

  /** SQL to embed in another statement, and the value of its one parameter. */
  public record Subquery(String sql, Object parameter) {
  }

  public Future<User> create(String username, String email, String passwordHash, boolean staff, boolean superuser) {
    return one(pool, "INSERT INTO " + table + " (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)"
            + " VALUES ($1, $2, $3, '', '', $4, $5, true, now()) RETURNING " + columns,
        Tuple.of(passwordHash, superuser, username, email == null ? "" : email, staff));
  }

  /** Sets the password hash; returns the number of rows changed. */
  public Future<Integer> updatePassword(SqlClient client, String username, String passwordHash) {
    return client.preparedQuery("UPDATE " + table + " SET password = $2 WHERE username = $1")
        .execute(Tuple.of(username, passwordHash))
        .map(RowSet::rowCount);
  }

  /**
   * Re-hashes the same password with other settings (Django's upgrade on login). Not a password
   * change: the users-table trigger does not revoke the user's tokens for it, and the user's
   * outstanding refresh tokens issued under {@code oldHash} move to the new hash's fingerprint.
   */
  public Future<Void> upgradePassword(String username, String oldHash, String passwordHash) {
    return pool.withTransaction(conn -> conn.query("SET LOCAL tokengate.hash_upgrade = 'on'").execute()
        .compose(v -> updatePassword(conn, username, passwordHash))
        .compose(v -> conn.preparedQuery("UPDATE tokengate_outstanding_token SET password_fp = md5($3)"
                + " WHERE user_id = (SELECT " + userIdField + "::text FROM " + table + " WHERE username = $1)"
                + " AND password_fp = md5($2)")
            .execute(Tuple.of(username, oldHash, passwordHash)))).mapEmpty();
  }

  public Future<Void> updateLastLogin(long id) {
    return pool.preparedQuery("UPDATE " + table + " SET last_login = now() WHERE id = $1")
        .execute(Tuple.of(id))
        .mapEmpty();
  }

  /** Activates or deactivates; returns the number of rows changed (0: no such user). */
  public Future<Integer> setActive(SqlClient client, String username, boolean active) {
    return client.preparedQuery("UPDATE " + table + " SET is_active = $2 WHERE username = $1")
        .execute(Tuple.of(username, active))
        .map(RowSet::rowCount);
  }

  public Future<List<User>> list() {
    return pool.query("SELECT " + columns + " FROM " + table + " ORDER BY id").execute().map(rows -> {
      List<User> users = new ArrayList<>();
      for (Row row : rows) {
        users.add(User.from(row, userIdField));
      }
      return users;
    });
  }

  private Future<User> one(SqlClient client, String sql, Tuple args) {
    return client.preparedQuery(sql).execute(args).map(rows -> {
      var iterator = rows.iterator();
      return iterator.hasNext() ? User.from(iterator.next(), userIdField) : null;
    });
  }
}
