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

  /**
   * A presented refresh token, with what its row gets if it has none yet (minted elsewhere, e.g. by
   * Simple JWT); {@code token} is its text, for Simple JWT's outstanding-token table.
   */
  public record Presented(String jti, Object userId, long iat, long exp, String token) {
  }

  /**
   * What is issued at {@code now}: a refresh token ({@code refreshJti} null when a refresh does not
   * rotate) and an access token ({@code accessJti} null when access tokens are not recorded).
   */
  public record Issued(long now, String refreshJti, long refreshExp, String accessJti, long accessExp) {
  }

  /**
   * How a refresh ended; only {@code SUCCESS} issued anything. {@code PASSWORD}: the user's stored
   * password hash changed since the token was issued (or first seen).
   */
  public enum Verdict { SUCCESS, BLACKLISTED, REUSE, INACTIVE, PASSWORD }

  /** A refresh's verdict and, for {@code REUSE}, how many tokens of the family were newly blacklisted. */
  public record RefreshResult(Verdict verdict, int revoked) {
  }

  private final Pool pool;
  private final boolean simplejwt;

  /** Without Simple JWT's blacklist tables (the command-line tools, housekeeping). */
  public TokenRepository(Pool pool) {
    this(pool, false);
  }

  /**
   * With {@code simplejwt}, Simple JWT's {@code token_blacklist_*} tables are written and checked
   * too (see the migration {@code V9__django_sharing.sql}); they must exist.
   */
  public TokenRepository(Pool pool, boolean simplejwt) {
    this.pool = pool;
    this.simplejwt = simplejwt;
  }

  /**
   * Records a new login's pair: the refresh token as outstanding, the first of its own family,
   * under the fingerprint of {@code passwordHash} (the user's stored hash); {@code refreshToken} is
   * the signed token, for Simple JWT's table.
   */
  public Future<Void> issue(Object userId, long userPk, String passwordHash, Issued issued, String refreshToken) {
    return pool.preparedQuery("SELECT tokengate_issue($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .execute(Tuple.of(issued.refreshJti(), text(userId), time(issued.now()), time(issued.refreshExp()),
            issued.accessJti(), time(issued.accessExp()), passwordHash, simplejwt, simplejwt ? refreshToken : null, userPk))
        .mapEmpty();
  }

  /** Whether Simple JWT's blacklist tables are in use, so a rotated token's text is needed before the database decides. */
  public boolean simplejwt() {
    return simplejwt;
  }

  /**
   * Simple JWT's refresh as one statement, committed on its own (see the migrations
   * {@code V6__token_functions.sql} and {@code V9__django_sharing.sql}): locks the presented token's
   * row (recording it if it has none), so concurrent refreshes of one token serialize; a blacklisted
   * token (here, or by Simple JWT) wins over an inactive user; reuse of a rotated token blacklists its
   * family. The user's state (active, password fingerprint, primary key) is read by subqueries of
   * the same statement, as the function must not know the users table. {@code refused}: the caller
   * knows the token was revoked with its user (it then ends as {@code INACTIVE} unless blacklisted
   * or reused); {@code nextToken} is the signed rotated token, for Simple JWT's table.
   */
  public Future<RefreshResult> refresh(Presented token, UserRepository users, Issued issued, String nextToken,
      boolean refused, boolean retire, boolean revokeAccess) {
    UserRepository.Subquery active = users.isActiveByClaim(token.userId(), 5);
    return pool.preparedQuery("SELECT outcome, revoked FROM tokengate_refresh_shared($1, $2, $3, $4, (" + active.sql()
            + " AND NOT $16)"
            + ", " + users.columnByClaim("md5(password)", token.userId(), 5).sql() + ", $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
            + users.columnByClaim("id", token.userId(), 5).sql() + ")")
        .execute(Tuple.of(token.jti(), text(token.userId()), time(token.iat()), time(token.exp()),
            active.parameter(), time(issued.now()), issued.refreshJti(), time(issued.refreshExp()), retire,
            issued.accessJti(), time(issued.accessExp()), revokeAccess, simplejwt, simplejwt ? token.token() : null,
            simplejwt ? nextToken : null, refused))
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
  public Future<Boolean> blacklist(Presented token, UserRepository users, boolean revokeAccess) {
    UserRepository.Subquery pk = users.columnByClaim("id", token.userId(), 8);
    return pool.preparedQuery("SELECT tokengate_blacklist_shared($1, $2, $3, $4, $5, $6, $7, " + pk.sql() + ") AS blacklisted")
        .execute(Tuple.of(token.jti(), text(token.userId()), time(token.iat()), time(token.exp()),
            revokeAccess, simplejwt, simplejwt ? token.token() : null, pk.parameter()))
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

  /** Whether a token with this jti was blacklisted (here, or by Simple JWT when its tables are shared). */
  public Future<Boolean> isBlacklisted(String jti) {
    return pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM tokengate_blacklisted_token b JOIN tokengate_outstanding_token o"
            + " ON o.id = b.token_id WHERE o.jti = $1)" + (simplejwt ? " OR tokengate_simplejwt_blacklisted($1)" : "")
            + " AS blacklisted")
        .execute(Tuple.of(jti))
        .map(rows -> rows.iterator().next().getBoolean("blacklisted"));
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

  private static String text(Object userId) {
    return userId == null ? null : String.valueOf(userId);
  }

  private static OffsetDateTime time(long epochSeconds) {
    return OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
  }

}
