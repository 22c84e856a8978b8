package io.tokengate.auth;

import io.tokengate.config.JwtConfig;
import io.tokengate.http.ApiException;
import io.tokengate.ops.GatewayMetrics;
import io.tokengate.ops.GatewayMetrics.Refresh;
import io.tokengate.ops.GatewayMetrics.Revocation;
import io.tokengate.users.User;
import io.tokengate.users.UserRepository;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.tokengate.revocation.RevocationRepository;
import io.tokengate.revocation.Revocations;

/**
 * Simple JWT's token life cycle: issue a pair for a user, refresh (with rotation, blacklisting,
 * reuse detection), verify, blacklist. Failures are {@link TokenException} (a bad token) or
 * {@link ApiException} (Simple JWT's other answers). Runs on the caller's event loop; all
 * database work is async.
 */
public final class TokenService {

  private final TokenCodec codec;
  private final JwtConfig config;
  private final TokenRepository tokens;
  private final UserRepository users;
  private final RevocationRepository revocationStore = new RevocationRepository();
  private final Revocations revocations;
  private final GatewayMetrics metrics;

  /** The outcome of one refresh transaction: a body to return, or none when the token was refused. */
  private record Refreshed(JsonObject body, Refresh outcome, int revoked) {
  }

  public TokenService(TokenCodec codec, JwtConfig config, TokenRepository tokens, UserRepository users,
      Revocations revocations, GatewayMetrics metrics) {
    this.codec = codec;
    this.config = config;
    this.tokens = tokens;
    this.users = users;
    this.revocations = revocations;
    this.metrics = metrics;
  }

  /** A new refresh/access pair for {@code user} (a new token family); the refresh token is recorded as outstanding. */
  public Future<JsonObject> issuePair(User user) {
    long now = nowSeconds();
    JsonObject refresh = TokenClaims.fresh(TokenClaims.REFRESH, now, config.refreshTokenLifetime().toSeconds())
        .put(config.userIdClaim(), user.claimValue());
    JsonObject access = TokenClaims.derive(refresh, TokenClaims.ACCESS, now, config.accessTokenLifetime().toSeconds());
    String signedRefresh = codec.sign(refresh);
    return tokens.issue(user.claimValue(), user.id(), user.password(), issued(now, refresh, access), signedRefresh)
        .map(v -> new JsonObject().put("refresh", signedRefresh).put("access", codec.sign(access)));
  }

  /**
   * Simple JWT's refresh: a new access token, plus a rotated refresh token when rotation is on.
   * Presenting a token that was already rotated is reuse: its whole family is revoked. A token
   * issued before its user's last password change, deactivation or deletion (as far as this
   * instance has heard, or its stored password hash tells) is refused. The new tokens' claims are
   * made before the database decides and signed only if it says yes (except a rotated refresh
   * token when Simple JWT's outstanding-token table needs its text).
   */
  public Future<JsonObject> refresh(String token) {
    return codec.verify(token)
        .map(claims -> {
          TokenClaims.requireType(claims, TokenClaims.REFRESH);
          return claims;
        })
        .compose(claims -> rotate(claims, token))
        .andThen(this::count)
        .compose(result -> result.body() == null
            ? Future.failedFuture(new TokenException(TokenException.BLACKLISTED))
            : Future.succeededFuture(result.body()));
  }

  private Future<Refreshed> rotate(JsonObject claims, String token) {
    long now = nowSeconds();
    JsonObject access = TokenClaims.derive(claims, TokenClaims.ACCESS, now, config.accessTokenLifetime().toSeconds());
    JsonObject next = config.rotateRefreshTokens()
        ? TokenClaims.derive(claims, TokenClaims.REFRESH, now, config.refreshTokenLifetime().toSeconds())
        : null;
    String nextToken = next != null && tokens.simplejwt() ? codec.sign(next) : null;
    // issued before the user's last password change, deactivation or deletion, as this instance
    // heard through the users-table trigger: refused as for an inactive user, after reuse detection
    Revocations.Verdict revoked = revocations.check(claims);
    return tokens.refresh(presented(claims, token), users, issued(now, next, access), nextToken, revoked != null,
            config.blacklistAfterRotation(), config.revokeAccess())
        .compose(result -> switch (result.verdict()) {
          case SUCCESS -> Future.succeededFuture(new Refreshed(signed(access, next, nextToken), Refresh.SUCCESS, 0));
          case BLACKLISTED -> Future.succeededFuture(new Refreshed(null, Refresh.BLACKLISTED, 0));
          case REUSE -> Future.succeededFuture(new Refreshed(null, Refresh.REUSE, result.revoked()));
          case INACTIVE -> Future.failedFuture(revoked == Revocations.Verdict.REVOKED
              ? new TokenException(TokenException.INVALID)
              : noActiveAccount());
          case PASSWORD -> Future.failedFuture(new TokenException(TokenException.INVALID));
        });
  }

  private JsonObject signed(JsonObject access, JsonObject next, String nextToken) {
    JsonObject body = new JsonObject().put("access", codec.sign(access));
    return next == null ? body : body.put("refresh", nextToken != null ? nextToken : codec.sign(next));
  }

  private void count(AsyncResult<Refreshed> result) {
    if (result.succeeded()) {
      metrics.refresh(result.result().outcome());
      metrics.revoked(Revocation.REUSE, result.result().revoked());
    } else if (result.cause() instanceof TokenException) {
      metrics.refresh(Refresh.INVALID);
    } else if (result.cause() instanceof ApiException api && api.status() == 401) {
      metrics.refresh(Refresh.INACTIVE_USER);
    } else {
      metrics.refresh(Refresh.ERROR);
    }
  }

  /** Simple JWT's verify: any valid token of ours; a blacklisted or revoked one gets DRF's 400. */
  public Future<Void> verify(String token) {
    return codec.verify(token)
        .compose(claims -> {
          TokenClaims.requireId(claims);
          if (revocations.check(claims) != null) {
            return Future.succeededFuture(true);
          }
          // only refresh tokens are ever blacklisted in the database (as in Simple JWT); an access
          // token's revocation is in memory, so verifying one costs no database round trip
          return TokenClaims.ACCESS.equals(claims.getValue(TokenClaims.TOKEN_TYPE))
              ? Future.succeededFuture(false)
              : tokens.isBlacklisted(claims.getString("jti"));
        })
        .compose(blacklisted -> blacklisted
            ? Future.failedFuture(ApiException.fields(new JsonObject().put("non_field_errors",
                new JsonArray().add(TokenException.BLACKLISTED))))
            : Future.succeededFuture());
  }

  /** Blacklists a refresh token; a token already blacklisted is a 401, as in Simple JWT. */
  public Future<Void> blacklist(String token) {
    return codec.verify(token)
        .map(claims -> {
          TokenClaims.requireType(claims, TokenClaims.REFRESH);
          return claims;
        })
        .compose(claims -> tokens.blacklist(presented(claims, token), users, config.revokeAccess()))
        .compose(blacklisted -> blacklisted
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(new TokenException(TokenException.BLACKLISTED)))
        .onSuccess(v -> metrics.revoked(Revocation.BLACKLIST, 1));
  }

  /**
   * Logs a user out everywhere, in the caller's transaction: blacklists every unexpired refresh
   * token of theirs and (with {@code jwt.revoke_access}) every access token issued before now.
   */
  public Future<Integer> revokeUser(SqlClient client, User user, String reason) {
    return tokens.blacklistUser(client, user.claimValue())
        .compose(n -> config.revokeAccess()
            ? revocationStore.revokeUser(client, user.claimValue(), reason, config.accessTokenLifetime().toSeconds() + config.leewaySeconds()).map(n)
            : Future.succeededFuture(n))
        .onSuccess(n -> metrics.revoked(Revocation.USER, n));
  }

  /** A presented refresh token; one with no row yet is recorded with its own times, as its own family. */
  private TokenRepository.Presented presented(JsonObject claims, String token) {
    return new TokenRepository.Presented(claims.getString("jti"), claims.getValue(config.userIdClaim()),
        claims.getLong("iat", nowSeconds()), claims.getLong("exp"), token);
  }

  /** What gets recorded of new tokens: the refresh token unless there is none, the access token with {@code jwt.revoke_access}. */
  private TokenRepository.Issued issued(long now, JsonObject refresh, JsonObject access) {
    return new TokenRepository.Issued(now, refresh == null ? null : refresh.getString("jti"),
        refresh == null ? now : refresh.getLong("exp"), config.revokeAccess() ? access.getString("jti") : null,
        access.getLong("exp"));
  }

  private static ApiException noActiveAccount() {
    return ApiException.detail(401, "No active account found for the given token.", "no_active_account");
  }

  private static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }
}
