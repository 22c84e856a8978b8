package io.tokengate.proxy;

import io.tokengate.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The exact answers of a protected route that refuses a request, as Simple JWT's
 * {@code JWTAuthentication} gives them (see the spec, "Protected routes"). Pure; thread-safe.
 */
final class AuthErrors {

  private AuthErrors() {
  }

  static ApiException notProvided() {
    return ApiException.detail(401, "Authentication credentials were not provided.");
  }

  static ApiException badAuthorizationHeader() {
    return ApiException.detail(401, "Authorization header must contain two space-delimited values", "bad_authorization_header");
  }

  /** An access token that did not verify; {@code reason} is one of {@code TokenException}'s messages. */
  static ApiException tokenNotValid(String reason) {
    return new ApiException(401, new JsonObject()
        .put("detail", "Given token not valid for any token type")
        .put("code", "token_not_valid")
        .put("messages", new JsonArray().add(new JsonObject()
            .put("token_class", "AccessToken")
            .put("token_type", "access")
            .put("message", reason))));
  }

  static ApiException noUserId() {
    return ApiException.detail(401, "Token contained no recognizable user identification", "token_not_valid");
  }

  static ApiException userInactive() {
    return ApiException.detail(401, "User is inactive", "user_inactive");
  }

  static ApiException userNotFound() {
    return ApiException.detail(401, "User not found", "user_not_found");
  }

  static ApiException forbidden() {
    return ApiException.detail(403, "You do not have permission to perform this action.");
  }
}
