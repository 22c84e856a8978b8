package io.tokengate.revocation;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link Revocations} current: loads the unexpired revocations, then listens on
 * {@value RevocationRepository#CHANNEL}. After a lost connection it reconnects by itself and
 * reloads everything (notifications sent meanwhile are not replayed by PostgreSQL).
 */
public final class RevocationFeed {

  private static final Logger LOG = LoggerFactory.getLogger(RevocationFeed.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Revocations revocations;
  private final PgSubscriber subscriber;
  private final RevocationRepository repository = new RevocationRepository();
  private long pruneTimer;

  public RevocationFeed(Vertx vertx, Pool pool, PgConnectOptions connect, Revocations revocations) {
    this.vertx = vertx;
    this.pool = pool;
    this.revocations = revocations;
    this.subscriber = PgSubscriber.subscriber(vertx, connect).reconnectPolicy(attempt -> Math.min(5000L, 250L * (attempt + 1)));
  }

  /** Subscribes and loads; completes once both are done. */
  public Future<Void> start() {
    subscriber.channel(RevocationRepository.CHANNEL)
        .subscribeHandler(v -> reload())
        .handler(this::onNotification);
    pruneTimer = vertx.setPeriodic(60_000, id -> revocations.prune(System.currentTimeMillis() / 1000));
    return subscriber.connect().compose(v -> reload());
  }

  private Future<Void> reload() {
    return repository.loadActive(pool)
        .onSuccess(events -> events.forEach(revocations::apply))
        .onFailure(e -> LOG.warn("Could not load revocations: {}", e.toString()))
        .mapEmpty();
  }

  private void onNotification(String payload) {
    try {
      revocations.apply(new JsonObject(payload));
    } catch (DecodeException | ClassCastException e) {
      LOG.warn("Ignored a malformed revocation notification");
    }
  }

  public Future<Void> stop() {
    vertx.cancelTimer(pruneTimer);
    return subscriber.close();
  }
}
