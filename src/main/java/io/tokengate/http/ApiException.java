package io.tokengate.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An expected failure with the exact status and JSON body the client gets. Handlers fail the
 * request with one; {@link FailureHandler} writes it. Carries no stack trace.
 */
public final class ApiException extends RuntimeException {

  public static final String WWW_AUTHENTICATE = "Bearer realm=\"api\"";

  private final int status;
  private final JsonObject body;

  public ApiException(int status, JsonObject body) {
    super(body.encode());
    this.status = status;
    this.body = body;
  }

  public int status() {
    return status;
  }

  public JsonObject body() {
    return body.copy();
  }

  public static ApiException detail(int status, String detail) {
    return new ApiException(status, new JsonObject().put("detail", detail));
  }

  public static ApiException detail(int status, String detail, String code) {
    return new ApiException(status, new JsonObject().put("detail", detail).put("code", code));
  }

  /** DRF's field-error shape: {@code {"field": ["message"]}}. */
  public static ApiException fields(JsonObject errors) {
    return new ApiException(400, errors);
  }

  public static ApiException field(String field, String message) {
    return fields(new JsonObject().put(field, new JsonArray().add(message)));
  }

  public static ApiException tokenNotValid(String message) {
    return detail(401, message, "token_not_valid");
  }

  public static ApiException databaseUnavailable() {
    return detail(503, "Service temporarily unavailable", "database_unavailable");
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
