package io.tokengate.proxy;

import io.tokengate.auth.TokenClaims;
import io.tokengate.auth.TokenCodec;
import io.tokengate.auth.TokenException;
import io.tokengate.http.ApiException;
import io.tokengate.revocation.Revocations;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Authenticates the requests of a protected route and refuses them with Simple JWT's exact
 * answers: reads the {@code Authorization} header as Simple JWT does (absent or of a foreign type:
 * no credentials; an accepted type with other than one value: malformed), verifies the token with
 * {@link TokenCodec#verifyShared} (header, signature with the named key only, {@code exp} with
 * leeway, {@code nbf}/{@code iat}, {@code aud}/{@code iss}; a token verified before is a cache hit),
 * then checks what the signature cannot tell: {@code token_type} = access, a user id, and not
 * revoked (an in-memory lookup in {@link Revocations}: logged out, user deactivated, deleted or
 * re-passworded; checked on every request, cache hit or not). Runs on the event loop; one
 * instance per route and event loop.
 */
final class AccessTokens {

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final TokenCodec codec;
  private final List<String> headerTypes;
  private final String userIdClaim;
  private final boolean required;
  private final Revocations revocations;

  AccessTokens(TokenCodec codec, List<String> headerTypes, String userIdClaim, boolean required, Revocations revocations) {
    this.codec = codec;
    this.headerTypes = List.copyOf(headerTypes);
    this.userIdClaim = userIdClaim;
    this.required = required;
    this.revocations = revocations;
  }

  /**
   * The verified claims of the request's access token (shared: never modify them), null for an
   * anonymous request on an optional route, or a failure with the {@link ApiException} to answer.
   * Completes at once unless the token needs a signature check.
   */
  Future<JsonObject> authenticate(HttpServerRequest request) {
    String token = token(request.getHeader(HttpHeaders.AUTHORIZATION));
    if (token == null) {
      return required ? Future.failedFuture(AuthErrors.notProvided()) : Future.succeededFuture();
    }
    if (token.isEmpty()) {
      return Future.failedFuture(AuthErrors.badAuthorizationHeader());
    }
    Future<JsonObject> verified = codec.verifyShared(token);
    if (verified.succeeded()) {
      return accept(verified.result());
    }
    return verified.transform(result -> result.succeeded()
        ? accept(result.result())
        : Future.failedFuture(AuthErrors.tokenNotValid(TokenException.INVALID)));
  }

  /**
   * Simple JWT's {@code get_raw_token}: null when there is no header or its first word is not an
   * accepted type (no credentials), "" when it has other than two words (malformed), else the token.
   */
  private String token(String header) {
    if (header == null) {
      return null;
    }
    int space = header.indexOf(' ');
    if (space > 0 && isPlain(header, space)) {
      // the common case, "Bearer <token>": no regex, no array
      return headerTypes.contains(header.substring(0, space)) ? header.substring(space + 1) : null;
    }
    String[] parts = WHITESPACE.split(header.strip());
    if (parts.length == 0 || parts[0].isEmpty() || !headerTypes.contains(parts[0])) {
      return null;
    }
    return parts.length == 2 ? parts[1] : "";
  }

  /** One space at {@code space}, something after it, and no other whitespace anywhere. */
  private static boolean isPlain(String header, int space) {
    if (space == header.length() - 1) {
      return false;
    }
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (i != space && (c <= ' ' || c >= 0x80 && Character.isWhitespace(c))) {
        return false;
      }
    }
    return true;
  }

  private Future<JsonObject> accept(JsonObject claims) {
    ApiException refusal = refusal(claims);
    return refusal == null ? Future.succeededFuture(claims) : Future.failedFuture(refusal);
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
