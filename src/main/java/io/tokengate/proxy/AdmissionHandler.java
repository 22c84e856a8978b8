package io.tokengate.proxy;

import io.tokengate.auth.TokenClaims;
import io.tokengate.auth.TokenCodec;
import io.tokengate.auth.TokenException;
import io.tokengate.http.ApiException;
import io.tokengate.revocation.Revocations;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;

/**
 * The authorization step of a protected route, after {@link AccessTokenHandler}: what the
 * signature cannot tell. The token must be an access token ({@code token_type}) with a numeric
 * {@code exp} and a user id, not revoked (an in-memory lookup in {@link Revocations}: logged out,
 * user deactivated, deleted or re-passworded; checked on every request, cached token or not), and
 * satisfy the route's {@link ClaimRules} (403). No user on {@code auth: required}: 401 "not
 * provided"; on {@code auth: optional} the request goes on anonymous. Re-pauses a request with a
 * body or an upgrade, which {@code JWTAuthHandler} resumed, so the {@link Forwarder} gets it
 * paused. Refusals are Simple JWT's exact answers ({@link AuthErrors}). Runs on the event loop.
 */
final class AdmissionHandler implements Handler<RoutingContext> {

  private final String userIdClaim;
  private final boolean required;
  private final ClaimRules rules;
  private final Revocations revocations;

  AdmissionHandler(String userIdClaim, boolean required, ClaimRules rules, Revocations revocations) {
    this.userIdClaim = userIdClaim;
    this.required = required;
    this.rules = rules;
    this.revocations = revocations;
  }

  @Override
  public void handle(RoutingContext ctx) {
    User user = ctx.user();
    if (user == null) {
      if (required) {
        ctx.fail(AuthErrors.notProvided());
        return;
      }
    } else {
      JsonObject claims = TokenCodec.claimsOf(user);
      ApiException refusal = refusal(claims);
      if (refusal == null && rules != null && !rules.allows(claims)) {
        refusal = AuthErrors.forbidden();
      }
      if (refusal != null) {
        ctx.fail(refusal);
        return;
      }
    }
    HttpServerRequest request = ctx.request();
    if (Forwarder.hasBody(request) || request.canUpgradeToWebSocket()) {
      request.pause();
    }
    ctx.next();
  }

  private ApiException refusal(JsonObject claims) {
    if (!(claims.getValue("exp") instanceof Number)) {
      return AuthErrors.tokenNotValid(TokenException.INVALID);
    }
    try {
      TokenClaims.requireType(claims, TokenClaims.ACCESS);
    } catch (TokenException e) {
      return AuthErrors.tokenNotValid(e.getMessage());
    }
    if (claims.getValue(userIdClaim) == null) {
      return AuthErrors.noUserId();
    }
    Revocations.Verdict verdict = revocations.check(claims);
    if (verdict == null) {
      return null;
    }
    return switch (verdict) {
      case USER_INACTIVE -> AuthErrors.userInactive();
      case USER_NOT_FOUND -> AuthErrors.userNotFound();
      case REVOKED -> AuthErrors.tokenNotValid(TokenException.BLACKLISTED);
    };
  }
}
