package io.tokengate.auth;

import io.tokengate.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** The HTTP side of {@link LoginVerticle}: one event-bus request per login. Runs on the event loop. */
public final class LoginClient {

  private static final DeliveryOptions DELIVERY = new DeliveryOptions().setSendTimeout(60_000).setLocalOnly(true);

  private final Vertx vertx;

  public LoginClient(Vertx vertx) {
    this.vertx = vertx;
  }

  /** {@code {refresh, access}} for valid credentials, else a failed future with an {@link ApiException}. */
  public Future<JsonObject> login(String username, String password, String client) {
    JsonObject request = new JsonObject().put("username", username).put("password", password).put("client", client);
    return vertx.eventBus().<JsonObject>request(LoginVerticle.ADDRESS, request, DELIVERY)
        .map(reply -> reply.body())
        .recover(e -> Future.failedFuture(toApiException(e)));
  }

  private static ApiException toApiException(Throwable e) {
    if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      try {
        return ApiException.fromJson(new JsonObject(reply.getMessage()));
      } catch (DecodeException | NullPointerException ignored) {
        return ApiException.detail(500, "A server error occurred.");
      }
    }
    return ApiException.detail(503, "Service temporarily unavailable", "login_unavailable");
  }
}
