package io.tokengate.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * An expected failure with the exact status and JSON body the client gets. Handlers fail the
 * request with one; {@link FailureHandler} writes it. Carries no stack trace.
 */
public final class ApiException extends RuntimeException {

  public static final String WWW_AUTHENTICATE = "Bearer realm=\"api\"";

  private final int status;
  private final JsonObject body;
  private final Map<String, String> headers;

  public ApiException(int status, JsonObject body) {
    this(status, body, Map.of());
  }

  public ApiException(int status, JsonObject body, Map<String, String> headers) {
    super(body.encode());
    this.status = status;
    this.body = body;
    this.headers = Map.copyOf(headers);
  }

  /** Extra response headers, e.g. {@code Retry-After}. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The failure as one JSON value, to cross the event bus; {@link #fromJson} reverses it. */
  public JsonObject toJson() {
    return new JsonObject().put("status", status).put("body", body).put("headers", new JsonObject(new java.util.HashMap<>(headers)));
  }

  public static ApiException fromJson(JsonObject json) {
    Map<String, String> headers = new java.util.HashMap<>();
    json.getJsonObject("headers", new JsonObject()).forEach(e -> headers.put(e.getKey(), String.valueOf(e.getValue())));
    return new ApiException(json.getInteger("status"), json.getJsonObject("body"), headers);
  }

  /** DRF's throttled answer, with {@code Retry-After}. */
  public static ApiException throttled(long seconds) {
    return new ApiException(429, new JsonObject()
        .put("detail", "Request was throttled. Expected available in " + seconds + " seconds.")
        .put("code", "throttled"), Map.of("Retry-After", String.valueOf(seconds)));
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
