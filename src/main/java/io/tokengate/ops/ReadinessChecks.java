package io.tokengate.ops;

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
 * the database answers {@code SELECT 1} within {@link #DATABASE_TIMEOUT_MS}, the migrations ran,
 * and the verticles are deployed and not stopping. 200 when every check is up, else 503, with
 * vertx-health-check's JSON body. The flags may be set from any thread.
 */
public final class ReadinessChecks {

  public static final long DATABASE_TIMEOUT_MS = 2_000;

  private final Pool pool;
  private volatile boolean migrated;
  private volatile boolean serving;

  public ReadinessChecks(Pool pool) {
    this.pool = pool;
  }

  /** The schema is at the version this build expects (Flyway ran at start-up). */
  public void migrated() {
    migrated = true;
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
        .register("migrations", promise -> flag(promise, migrated))
        .register("verticles", promise -> flag(promise, serving));
  }

  private void database(Promise<Status> promise) {
    pool.query("SELECT 1").execute()
        .onSuccess(rows -> promise.tryComplete(Status.OK()))
        .onFailure(e -> promise.tryComplete(Status.KO(new JsonObject().put("error", String.valueOf(e.getMessage())))));
  }

  private static void flag(Promise<Status> promise, boolean up) {
    promise.complete(up ? Status.OK() : Status.KO());
  }
}
