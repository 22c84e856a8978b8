package io.tokengate.auth;

import io.tokengate.auth.TokenRepository;
import io.tokengate.config.HousekeepingConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges expired outstanding (and, by cascade, blacklisted) tokens every
 * {@code housekeeping.interval}, in batches of {@code housekeeping.batch_size}. Deploy exactly one
 * instance per process. A run never overlaps the previous one; a failed run (database down) is
 * logged and retried at the next tick. A request on {@link #ADDRESS} runs a purge now and answers
 * how many tokens it deleted.
 */
public final class HousekeepingVerticle extends VerticleBase {

  public static final String ADDRESS = "tokengate.housekeeping.purge";
  private static final Logger LOG = LoggerFactory.getLogger(HousekeepingVerticle.class);

  private final HousekeepingConfig config;
  private final TokenRepository tokens;
  private MessageConsumer<Object> consumer;
  private long timer = -1;
  private Future<Long> running;

  public HousekeepingVerticle(HousekeepingConfig config, Pool pool) {
    this.config = config;
    this.tokens = new TokenRepository(pool);
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(config.interval().toMillis(), id -> purge());
    consumer = vertx.eventBus().localConsumer(ADDRESS, message -> purge()
        .onSuccess(message::reply)
        .onFailure(e -> message.fail(503, e.getMessage())));
    return consumer.completion();
  }

  /** Runs a purge, or joins the one already running. Runs on this verticle's event loop. */
  private Future<Long> purge() {
    if (running != null) {
      return running;
    }
    running = tokens.purgeExpired(config.batchSize())
        .onSuccess(deleted -> {
          if (deleted > 0) {
            LOG.info("Purged {} expired token(s)", deleted);
          }
        })
        .onFailure(e -> LOG.warn("Purge of expired tokens failed, will retry in {}: {}", config.interval(), e.toString()))
        .eventually(() -> {
          running = null;
          return Future.succeededFuture();
        });
    return running;
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return consumer.unregister();
  }
}
