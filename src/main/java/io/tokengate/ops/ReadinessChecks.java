package io.tokengate.ops;

import io.tokengate.db.DatabaseBootstrap;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.sqlclient.Pool;

/**
 * What {@code /health/live} and {@code /health/ready} check. Live: the process answers. Ready:
 * the database answers {@code SELECT 1}, it still holds every migration that was applied at
 * start-up (a database swapped or restored underneath us is not), each within
 * {@link #DATABASE_TIMEOUT_MS}; and the verticles are deployed and not stopping. 200 when every
 * check is up, else 503, with vertx-health-check's JSON body. The flags may be set from any thread.
 */
public final class ReadinessChecks {

  public static final long DATABASE_TIMEOUT_MS = 2_000;

  private static final String APPLIED_MIGRATIONS = "SELECT count(*) FROM " + DatabaseBootstrap.HISTORY_TABLE + " WHERE success";

  private final Pool pool;
  private volatile long migrations = Long.MAX_VALUE;
  private volatile boolean serving;

  public ReadinessChecks(Pool pool) {
    this.pool = pool;
  }

  /** Records how many migrations are applied, right after Flyway ran at start-up. */
  public Future<Void> migrated() {
    return appliedMigrations().map(count -> {
      migrations = count;
      return null;
    });
  }

  /** Every verticle is deployed: the gateway takes traffic. */
  public void serving() {
    serving = true;
  }

  /** Shutting down: load balancers should stop sending traffic. */
  public void stopping() {
    serving = false;
  }

  public Handler<RoutingContext> liveHandler(Vertx vertx) {
    return HealthCheckHandler.create(vertx).register("process", promise -> promise.complete(Status.OK()));
  }

  public Handler<RoutingContext> readyHandler(Vertx vertx) {
    return HealthCheckHandler.create(vertx)
        .register("database", DATABASE_TIMEOUT_MS, this::database)
        .register("migrations", DATABASE_TIMEOUT_MS, this::migrations)
        .register("verticles", promise -> flag(promise, serving));
  }

  private void database(Promise<Status> promise) {
    pool.query("SELECT 1").execute()
        .onSuccess(rows -> promise.tryComplete(Status.OK()))
        .onFailure(e -> promise.tryComplete(Status.KO(new JsonObject().put("error", String.valueOf(e.getMessage())))));
  }

  private void migrations(Promise<Status> promise) {
    appliedMigrations()
        .onSuccess(count -> promise.tryComplete(count >= migrations ? Status.OK()
            : Status.KO(new JsonObject().put("error", count + " migrations applied, " + migrations + " expected"))))
        .onFailure(e -> promise.tryComplete(Status.KO(new JsonObject().put("error", String.valueOf(e.getMessage())))));
  }

  private Future<Long> appliedMigrations() {
    return pool.query(APPLIED_MIGRATIONS).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  private static void flag(Promise<Status> promise, boolean up) {
    promise.complete(up ? Status.OK() : Status.KO());
  }
}
