package io.tokengate.auth;

import io.tokengate.config.GatewayConfig;
import io.tokengate.http.ApiException;
import io.tokengate.db.DatabaseErrors;
import io.tokengate.ops.GatewayMetrics;
import io.tokengate.revocation.Revocations;
import io.tokengate.users.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Owns credential checks and the tokens they earn. HTTP verticles send it {@code {username,
 * password}} on {@link #ADDRESS}; it answers {@code {refresh, access}} or fails the message with
 * the HTTP status and JSON body to return. Password hashing runs on its own named worker pool of
 * {@code users.hashing_threads} threads, so a login storm queues here and never starves the event
 * loops; at most {@code login_throttle.max_queued_logins} logins wait for or run hashing, more are
 * answered 503 with {@code Retry-After}. The throttle reserves each attempt before it is hashed.
 */
public final class LoginVerticle extends VerticleBase {

  public static final String ADDRESS = "tokengate.login";
  private static final Logger LOG = LoggerFactory.getLogger(LoginVerticle.class);
  private static final ApiException BUSY = new ApiException(503, new JsonObject()
      .put("detail", "Too many logins in progress, try again shortly.").put("code", "login_busy"), Map.of("Retry-After", "1"));

  private final GatewayConfig config;
  private final Pool pool;
  private final DjangoPasswordHasher hasher;
  private final Revocations revocations;
  private final GatewayMetrics metrics;
  private WorkerExecutor hashing;
  private MessageConsumer<JsonObject> consumer;
  /** Logins between their reservation and the end of their hashing; touched on this verticle's event loop only. */
  private int queued;

  public LoginVerticle(GatewayConfig config, Pool pool, DjangoPasswordHasher hasher, Revocations revocations, GatewayMetrics metrics) {
    this.config = config;
    this.pool = pool;
    this.hasher = hasher;
    this.revocations = revocations;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    hashing = vertx.createSharedWorkerExecutor("tokengate-hashing", config.users().hashingThreads());
    UserRepository users = new UserRepository(pool, config.users().table(), config.jwt().userIdField());
    Authenticator authenticator = new Authenticator(users, hasher, hashing, config.jwt());
    TokenService tokens = new TokenService(new TokenCodec(vertx, config.jwt()), config.jwt(),
        new TokenRepository(pool, config.jwt().sharesSimplejwtBlacklist()), users, revocations, metrics);
    LoginThrottle throttle = new LoginThrottle(pool, config.throttle());
    consumer = vertx.eventBus().<JsonObject>localConsumer(ADDRESS, message -> login(message, throttle, authenticator, tokens));
    return consumer.completion();
  }

  private void login(Message<JsonObject> message, LoginThrottle throttle, Authenticator authenticator, TokenService tokens) {
    JsonObject body = message.body();
    String username = body.getString("username");
    String client = body.getString("client");
    if (queued >= config.throttle().maxQueuedLogins()) {
      // refused before any state is touched: a storm of logins cannot build an unbounded hashing backlog
      metrics.login(GatewayMetrics.Login.BUSY);
      message.fail(503, BUSY.toJson().encode());
      return;
    }
    queued++;
    throttle.reserve(username, client)
        .compose(attempt -> authenticator.authenticate(username, body.getString("password"))
            .compose(user -> throttle.succeeded(username, client).map(user))
            .recover(e -> isBadCredentials(e)
                ? Future.failedFuture(e)
                : throttle.release(attempt).transform(x -> Future.failedFuture(e))))
        .andThen(done -> queued--)
        .compose(tokens::issuePair)
        .onSuccess(pair -> {
          metrics.login(GatewayMetrics.Login.SUCCESS);
          message.reply(pair);
        })
        .onFailure(e -> {
          ApiException error = e instanceof ApiException api ? api : unexpected(e);
          metrics.login(error.status() == 401 ? GatewayMetrics.Login.BAD_CREDENTIALS
              : error.status() == 429 ? GatewayMetrics.Login.THROTTLED : GatewayMetrics.Login.ERROR);
          message.fail(error.status(), error.toJson().encode());
        });
  }

  private static boolean isBadCredentials(Throwable e) {
    return e instanceof ApiException api && api.status() == 401;
  }

  private static ApiException unexpected(Throwable e) {
    if (DatabaseErrors.isUnavailable(e)) {
      LOG.warn("Login failed, database unavailable: {}", e.toString());
      return ApiException.databaseUnavailable();
    }
    LOG.error("Login failed unexpectedly", e);
    return ApiException.detail(500, "A server error occurred.");
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister().eventually(() -> hashing.close());
  }
}
