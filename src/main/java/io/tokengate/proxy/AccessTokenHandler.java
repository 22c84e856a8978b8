package io.tokengate.proxy;

import io.tokengate.auth.TokenClaims;
import io.tokengate.auth.TokenCodec;
import io.tokengate.auth.TokenException;
import io.tokengate.http.ApiException;
import io.tokengate.revocation.Revocations;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.JWTAuthHandler;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Authenticates the requests of a protected route with vertx-web's {@link JWTAuthHandler} and
 * refuses them with Simple JWT's exact answers. Three steps, mounted in this order:
 * <ol>
 *   <li>{@link #handle}: reads the {@code Authorization} header as Simple JWT does (absent or of a
 *       foreign type: no credentials; an accepted type with other than one value: malformed) and
 *       hands a well-formed one to {@code JWTAuthHandler} (signature, {@code alg}, {@code exp} with
 *       leeway, {@code nbf}/{@code iat}, {@code aud}/{@code iss});</li>
 *   <li>{@link #accept}: what the signature cannot tell: {@code exp} present, {@code jti},
 *       {@code token_type} = access, a user id, and not revoked (an in-memory lookup in
 *       {@link Revocations}: logged out, user deactivated, deleted or re-passworded);</li>
 *   <li>{@link #failed} (route failure handler): a verifier refusal becomes {@code token_not_valid}.</li>
 * </ol>
 * Whether a failure is the verifier's is decided from the request (a credential was presented and
 * not yet accepted), never from an exception message. Runs on the event loop.
 */
final class AccessTokenHandler implements Handler<RoutingContext> {

  /** Set while a presented token is being verified; cleared once {@link #accept} has taken it. */
  private static final String VERIFYING = "tokengate.proxy.verifying";
  /** {@code JWTAuthHandler} reads only this scheme; other accepted types are presented to it as this. */
  private static final String BEARER = "Bearer";
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final JWTAuthHandler verifier;
  private final List<String> headerTypes;
  private final String userIdClaim;
  private final boolean required;
  private final Revocations revocations;

  AccessTokenHandler(JWTAuth auth, List<String> headerTypes, String userIdClaim, boolean required, Revocations revocations) {
    this.verifier = JWTAuthHandler.create(auth);
    this.headerTypes = List.copyOf(headerTypes);
    this.userIdClaim = userIdClaim;
    this.required = required;
    this.revocations = revocations;
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.request().headers();
    String header = headers.get(HttpHeaders.AUTHORIZATION);
    // Simple JWT's get_raw_token: split on whitespace; a first word that is not an accepted type means "no token here"
    String[] parts = header == null ? new String[0] : WHITESPACE.split(header.strip());
    if (parts.length == 0 || parts[0].isEmpty() || !headerTypes.contains(parts[0])) {
      if (required) {
        ctx.fail(AuthErrors.notProvided());
      } else {
        ctx.next();
      }
      return;
    }
    if (parts.length != 2) {
      ctx.fail(AuthErrors.badAuthorizationHeader());
      return;
    }
    String canonical = BEARER + " " + parts[1];
    if (!canonical.equals(header)) {
      headers.set(HttpHeaders.AUTHORIZATION, canonical);
    }
    ctx.put(VERIFYING, Boolean.TRUE);
    verifier.handle(ctx);
  }

  /** Runs after the verifier accepted the signature (or directly, for an anonymous request on an optional route). */
  void accept(RoutingContext ctx) {
    if (ctx.remove(VERIFYING) == null) {
      ctx.next();
      return;
    }
    User user = ctx.user();
    if (user == null) {
      // JWTAuthHandler lets CORS preflights through unauthenticated; a protected route does not
      ctx.fail(AuthErrors.notProvided());
      return;
    }
    JsonObject claims = TokenCodec.claimsOf(user);
    ApiException refusal = refusal(claims);
    if (refusal != null) {
      ctx.fail(refusal);
      return;
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

  /** Route failure handler: a refusal by the verifier (401, or 400 for a malformed token) is an invalid token. */
  void failed(RoutingContext ctx) {
    if (ctx.remove(VERIFYING) != null && !(ctx.failure() instanceof ApiException)) {
      ctx.fail(AuthErrors.tokenNotValid(TokenException.INVALID));
      return;
    }
    ctx.next();
  }
}
