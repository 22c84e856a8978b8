package io.tokengate.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Outstanding and blacklisted refresh tokens (Simple JWT's token_blacklist app), plus the token
 * family used to revoke everything descended from one login. Methods taking a connection run in
 * the caller's transaction.
 */
public final class TokenRepository {

  /** A refresh token's stored state, read under a row lock. */
  public record Outstanding(long id, String family, boolean blacklisted, boolean rotated) {
  }

  private final Pool pool;

  public TokenRepository(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** Records a refresh token as outstanding (no-op if already recorded). */
  public Future<Void> record(SqlClient client, String jti, Object userId, String family, long iat, long exp) {
    return client.preparedQuery("INSERT INTO tokengate_outstanding_token (jti, user_id, family, created_at, expires_at)"
            + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (jti) DO NOTHING")
        .execute(Tuple.of(jti, userId == null ? null : String.valueOf(userId), family, time(iat), time(exp)))
        .mapEmpty();
  }

  /**
   * Records the token if needed (a token minted elsewhere, e.g. by Simple JWT, has no row yet) and
   * locks its row until the transaction ends, so concurrent refreshes of one token serialize.
   */
  public Future<Outstanding> lock(SqlConnection conn, String jti, Object userId, long iat, long exp) {
    // Lock, then read the state in a second statement: under READ COMMITTED only a new statement
    // sees what a transaction that held the lock before us committed. Both are sent at once
    // (pipelined): PostgreSQL runs the second after the first has its lock. A token minted
    // elsewhere (Simple JWT) has no row yet: record it, then lock and read again.
    Future<Boolean> locked = lockRow(conn, jti);
    Future<RowSet<Row>> state = readState(conn, jti);
    return Future.all(locked, state).compose(both -> locked.result()
        ? Future.succeededFuture(outstanding(state.result()))
        : record(conn, jti, userId, jti, iat, exp)
            .compose(v -> lockRow(conn, jti))
            .compose(v -> readState(conn, jti))
            .map(TokenRepository::outstanding));
  }

  private static Future<RowSet<Row>> readState(SqlConnection conn, String jti) {
    return conn.preparedQuery("SELECT o.id, o.family, o.rotated_at IS NOT NULL AS rotated,"
            + " EXISTS (SELECT 1 FROM tokengate_blacklisted_token b WHERE b.token_id = o.id) AS blacklisted"
            + " FROM tokengate_outstanding_token o WHERE o.jti = $1")
        .execute(Tuple.of(jti));
  }

  private static Outstanding outstanding(RowSet<Row> rows) {
    Row row = rows.iterator().next();
    return new Outstanding(row.getLong("id"), row.getString("family"), row.getBoolean("blacklisted"),
        row.getBoolean("rotated"));
  }

  private static Future<Boolean> lockRow(SqlConnection conn, String jti) {
    return conn.preparedQuery("SELECT id FROM tokengate_outstanding_token WHERE jti = $1 FOR UPDATE")
        .execute(Tuple.of(jti))
        .map(rows -> rows.size() > 0);
  }

  /** Blacklists a refresh token and marks it rotated, in one statement (the rotation's retirement). */
  public Future<Void> retire(SqlClient client, long tokenId) {
    return client.preparedQuery("WITH blacklisted AS (INSERT INTO tokengate_blacklisted_token (token_id, blacklisted_at)"
            + " VALUES ($1, now()) ON CONFLICT (token_id) DO NOTHING)"
            + " UPDATE tokengate_outstanding_token SET rotated_at = now() WHERE id = $1")
        .execute(Tuple.of(tokenId))
        .mapEmpty();
  }

  public Future<Void> blacklist(SqlClient client, long tokenId) {
    return client.preparedQuery("INSERT INTO tokengate_blacklisted_token (token_id, blacklisted_at) VALUES ($1, now())"
            + " ON CONFLICT (token_id) DO NOTHING")
        .execute(Tuple.of(tokenId))
        .mapEmpty();
  }

  /** Blacklists every token of a family; returns how many were newly blacklisted. */
  public Future<Integer> blacklistFamily(SqlClient client, String family) {
    return client.preparedQuery("INSERT INTO tokengate_blacklisted_token (token_id, blacklisted_at)"
            + " SELECT id, now() FROM tokengate_outstanding_token WHERE family = $1"
            + " ON CONFLICT (token_id) DO NOTHING")
        .execute(Tuple.of(family))
        .map(RowSet::rowCount);
  }

  /** Blacklists every unexpired outstanding token of a user (log out everywhere); returns the count. */
  public Future<Integer> blacklistUser(SqlClient client, Object userId) {
    return client.preparedQuery("INSERT INTO tokengate_blacklisted_token (token_id, blacklisted_at)"
            + " SELECT id, now() FROM tokengate_outstanding_token WHERE user_id = $1 AND expires_at > now()"
            + " ON CONFLICT (token_id) DO NOTHING")
        .execute(Tuple.of(String.valueOf(userId)))
        .map(RowSet::rowCount);
  }

  /** Whether a token with this jti was blacklisted. */
  public Future<Boolean> isBlacklisted(String jti) {
    return pool.preparedQuery("SELECT 1 FROM tokengate_blacklisted_token b JOIN tokengate_outstanding_token o"
            + " ON o.id = b.token_id WHERE o.jti = $1")
        .execute(Tuple.of(jti))
        .map(rows -> rows.size() > 0);
  }

  /**
   * Deletes expired outstanding tokens (their blacklist rows cascade), expired access-token
   * records and revocations, and throttle rows older than a day, in batches of at most
   * {@code batchSize} rows, each its own short statement, so no lock is held for long; returns
   * how many were deleted in all.
   */
  public Future<Long> purgeExpired(int batchSize) {
    Future<Long> total = Future.succeededFuture(0L);
    for (String[] table : PURGED) {
      total = total.compose(sum -> purgeFrom(table[0], table[1], 0L, batchSize).map(n -> sum + n));
    }
    return total;
  }

  /** Tables whose rows are useless once the condition holds: expired tokens, revocations, old throttle rows. */
  private static final String[][] PURGED = {
      {"tokengate_outstanding_token", "expires_at < now()"},
      {"tokengate_issued_access", "expires_at < now()"},
      {"tokengate_revocation", "expires_at < now()"},
      {"tokengate_login_failure", "failed_at < now() - interval '1 day'"},
  };

  private Future<Long> purgeFrom(String table, String condition, long deletedSoFar, int batchSize) {
    String key = table.equals("tokengate_issued_access") ? "jti" : "id";
    return pool.preparedQuery("DELETE FROM " + table + " WHERE " + key + " IN"
            + " (SELECT " + key + " FROM " + table + " WHERE " + condition + " LIMIT $1)")
        .execute(Tuple.of(batchSize))
        .compose(rows -> rows.rowCount() < batchSize
            ? Future.succeededFuture(deletedSoFar + rows.rowCount())
            : purgeFrom(table, condition, deletedSoFar + rows.rowCount(), batchSize));
  }

  private static OffsetDateTime time(long epochSeconds) {
    return OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
  }

}
