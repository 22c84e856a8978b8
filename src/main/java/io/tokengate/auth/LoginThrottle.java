package io.tokengate.auth;

import io.tokengate.config.ThrottleConfig;
import io.tokengate.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;

/**
 * Failed logins per (username, client), per client and per username in PostgreSQL, so every
 * instance sees the same counts, over a sliding window (see {@link ThrottleConfig}). An attempt
 * {@link #reserve reserves} its place in the counts before its password is hashed, atomically
 * (function {@code tokengate_login_reserve}, migration V8): parallel attempts can never hash more
 * than the limit allows, and a throttled attempt costs one statement and no hashing.
 */
public final class LoginThrottle {

  /** A reserved attempt: counts as a failure until {@link #succeeded} or {@link #release}. */
  public record Attempt(Long id) {
    static final Attempt NONE = new Attempt(null);
  }

  private final Pool pool;
  private final ThrottleConfig config;
  private final long windowMillis;
  private final long knownMillis;

  public LoginThrottle(Pool pool, ThrottleConfig config) {
    this.pool = pool;
    this.config = config;
    this.windowMillis = config.window().toMillis();
    this.knownMillis = config.knownClientWindow().toMillis();
  }

  /** The reserved attempt when this username and client may try; else fails with a 429 {@link ApiException}. */
  public Future<Attempt> reserve(String username, String client) {
    if (!config.enabled()) {
      return Future.succeededFuture(Attempt.NONE);
    }
    return pool.preparedQuery("SELECT attempt, wait FROM tokengate_login_reserve($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(username(username), client(client), windowMillis, config.usernameLimit(), config.clientLimit(),
            config.accountLimit(), knownMillis))
        .compose(rows -> {
          Row row = rows.iterator().next();
          long wait = row.getLong("wait");
          return wait > 0 ? Future.failedFuture(ApiException.throttled(wait)) : Future.succeededFuture(new Attempt(row.getLong("attempt")));
        });
  }

  /** The login succeeded: the pair's failures are forgotten and the client becomes known to the account. */
  public Future<Void> succeeded(String username, String client) {
    if (!config.enabled()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("SELECT tokengate_login_succeeded($1, $2)")
        .execute(Tuple.of(username(username), client(client)))
        .mapEmpty();
  }

  /** The login was not decided (e.g. the database failed): the reservation does not count. */
  public Future<Void> release(Attempt attempt) {
    if (attempt.id() == null) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("DELETE FROM tokengate_login_failure WHERE id = $1")
        .execute(Tuple.of(attempt.id()))
        .mapEmpty();
  }

  public Duration window() {
    return config.window();
  }

  private static String username(String value) {
    return truncate(value, 150);
  }

  private static String client(String value) {
    return truncate(value, 64);
  }

  private static String truncate(String value, int max) {
    String text = value == null ? "" : value;
    return text.length() <= max ? text : text.substring(0, max);
  }
}
