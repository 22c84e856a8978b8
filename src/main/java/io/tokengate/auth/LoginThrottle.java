package io.tokengate.auth;

import io.tokengate.config.ThrottleConfig;
import io.tokengate.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;

/**
 * Counts failed logins per username and per client address in PostgreSQL (so every instance
 * sees the same counts) over a sliding window. {@link #check} runs before any password hashing,
 * so a throttled attempt costs one indexed query and no hashing.
 */
public final class LoginThrottle {

  private static final String WAIT = "SELECT CEIL(EXTRACT(EPOCH FROM (failed_at + ($3::bigint * interval '1 millisecond') - now())))::bigint AS wait"
      + " FROM tokengate_login_failure WHERE %s = $1 AND failed_at > now() - ($3::bigint * interval '1 millisecond')"
      + " ORDER BY failed_at DESC OFFSET $2 - 1 LIMIT 1";

  private final Pool pool;
  private final ThrottleConfig config;
  private final long windowMillis;

  public LoginThrottle(Pool pool, ThrottleConfig config) {
    this.pool = pool;
    this.config = config;
    this.windowMillis = config.window().toMillis();
  }

  /** Succeeds when this username and client may try; else fails with a 429 {@link ApiException}. */
  public Future<Void> check(String username, String client) {
    if (!config.enabled()) {
      return Future.succeededFuture();
    }
    return waitFor("username", username, config.usernameLimit())
        .compose(byName -> waitFor("client", client, config.clientLimit()).map(byClient -> Math.max(byName, byClient)))
        .compose(wait -> wait > 0 ? Future.failedFuture(ApiException.throttled(wait)) : Future.succeededFuture());
  }

  /** Records a failed login. */
  public Future<Void> failed(String username, String client) {
    if (!config.enabled()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("INSERT INTO tokengate_login_failure (username, client) VALUES ($1, $2)")
        .execute(Tuple.of(truncate(username, 150), truncate(client, 64)))
        .mapEmpty();
  }

  /** A successful login resets the account's count (not the client's). */
  public Future<Void> succeeded(String username) {
    if (!config.enabled()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("DELETE FROM tokengate_login_failure WHERE username = $1")
        .execute(Tuple.of(truncate(username, 150)))
        .mapEmpty();
  }

  /** Deletes rows older than the window; returns how many. */
  public Future<Integer> purge() {
    return pool.preparedQuery("DELETE FROM tokengate_login_failure WHERE failed_at < now() - ($1::bigint * interval '1 millisecond')")
        .execute(Tuple.of(windowMillis))
        .map(RowSet::rowCount);
  }

  public Duration window() {
    return config.window();
  }

  private Future<Long> waitFor(String column, String value, int limit) {
    return pool.preparedQuery(String.format(WAIT, column))
        .execute(Tuple.of(truncate(value, column.equals("username") ? 150 : 64), limit, windowMillis))
        .map(rows -> {
          var iterator = rows.iterator();
          if (!iterator.hasNext()) {
            return 0L;
          }
          Row row = iterator.next();
          return Math.max(1L, row.getLong("wait"));
        });
  }

  private static String truncate(String value, int max) {
    String text = value == null ? "" : value;
    return text.length() <= max ? text : text.substring(0, max);
  }
}
