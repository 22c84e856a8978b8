package io.tokengate.auth;

import io.tokengate.users.UserRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Outstanding and blacklisted refresh tokens (Simple JWT's token_blacklist app), plus the token
 * family used to revoke everything descended from one login. A login's pair, a refresh and a
 * blacklist are each one statement in one round trip, committed on its own: the token functions
 * of migration {@code V6__token_functions.sql} do their locking and writing inside PostgreSQL.
 * Methods taking a client run in the caller's transaction.
 */
public final class TokenRepository {

  /** A presented refresh token, with what its row gets if it has none yet (minted elsewhere, e.g. by Simple JWT). */
  public record Presented(String jti, Object userId, long iat, long exp) {
  }

  /**
   * What is issued at {@code now}: a refresh token ({@code refreshJti} null when a refresh does not
   * rotate) and an access token ({@code accessJti} null when access tokens are not recorded).
   */
  public record Issued(long now, String refreshJti, long refreshExp, String accessJti, long accessExp) {
  }

  /** How a refresh ended; only {@code SUCCESS} issued anything. */
  public enum Verdict { SUCCESS, BLACKLISTED, REUSE, INACTIVE }

  /** A refresh's verdict and, for {@code REUSE}, how many tokens of the family were newly blacklisted. */
  public record RefreshResult(Verdict verdict, int revoked) {
  }

  private final Pool pool;

  public TokenRepository(Pool pool) {
    this.pool = pool;
  }

  /** Records a new login's pair: the refresh token as outstanding, the first of its own family. */
  public Future<Void> issue(Object userId, Issued issued) {
    return pool.preparedQuery("SELECT tokengate_record_issued($1, $2, $1, $3, $4, $5, $6)")
        .execute(Tuple.of(issued.refreshJti(), text(userId), time(issued.now()), time(issued.refreshExp()),
            issued.accessJti(), time(issued.accessExp())))
        .mapEmpty();
  }

  /**
   * Simple JWT's refresh as one statement, committed on its own (see the migration
   * {@code V6__token_functions.sql}): locks the presented token's row (recording it if it has
   * none), so concurrent refreshes of one token serialize; a blacklisted token wins over an
   * inactive user; reuse of a rotated token blacklists its family. The user's state is read by a
   * subquery of the same statement, as the function must not know the users table.
   */
  public Future<RefreshResult> refresh(Presented token, UserRepository users, Issued issued, boolean retire, boolean revokeAccess) {
    UserRepository.Subquery active = users.isActiveByClaim(token.userId(), 5);
    return pool.preparedQuery("SELECT outcome, revoked FROM tokengate_refresh($1, $2, $3, $4, " + active.sql()
            + ", $6, $7, $8, $9, $10, $11, $12)")
        .execute(Tuple.of(token.jti(), text(token.userId()), time(token.iat()), time(token.exp()), active.parameter(),
            time(issued.now()), issued.refreshJti(), time(issued.refreshExp()), retire, issued.accessJti(),
            time(issued.accessExp()), revokeAccess))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new RefreshResult(Verdict.valueOf(row.getString("outcome").toUpperCase(Locale.ROOT)), row.getInteger("revoked"));
        });
  }

  /**
   * Blacklists a presented refresh token (recording it if it has no row) and, with
   * {@code revokeAccess}, its session's access tokens, in one statement; false, with nothing
   * changed, when it was already blacklisted.
   */
  public Future<Boolean> blacklist(Presented token, boolean revokeAccess) {
    return pool.preparedQuery("SELECT tokengate_blacklist($1, $2, $3, $4, $5) AS blacklisted")
        .execute(Tuple.of(token.jti(), text(token.userId()), time(token.iat()), time(token.exp()), revokeAccess))
        .map(rows -> rows.iterator().next().getBoolean("blacklisted"));
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
      {"tokengate_login_known_client", "succeeded_at < now() - interval '365 days'"},
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

  private static String text(Object userId) {
    return userId == null ? null : String.valueOf(userId);
  }

  private static OffsetDateTime time(long epochSeconds) {
    return OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
  }

}
