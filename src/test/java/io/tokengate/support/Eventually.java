package io.tokengate.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Asynchronous waiting for a state that announces itself by no callback (e.g. a revocation that
 * another gateway instance applies when PostgreSQL notifies it): the probe is retried every 20 ms
 * on a Vert.x timer until it says true, or the future fails after the deadline. Prefer a callback
 * or a future where the code under test offers one.
 */
public final class Eventually {

  private Eventually() {
  }

  /** Retries {@code probe} (asynchronous) until it yields true; fails with {@code what} after {@code timeout}. */
  public static Future<Void> poll(Vertx vertx, Duration timeout, String what, Supplier<Future<Boolean>> probe) {
    Promise<Void> done = Promise.promise();
    attempt(vertx, System.nanoTime() + timeout.toNanos(), timeout, what, probe, done);
    return done.future();
  }

  /** {@link #poll} for a probe that answers at once. */
  public static Future<Void> holds(Vertx vertx, Duration timeout, String what, BooleanSupplier condition) {
    return poll(vertx, timeout, what, () -> Future.succeededFuture(condition.getAsBoolean()));
  }

  private static void attempt(Vertx vertx, long deadline, Duration timeout, String what, Supplier<Future<Boolean>> probe,
                              Promise<Void> done) {
    probe.get().onComplete(result -> {
      if (result.succeeded() && Boolean.TRUE.equals(result.result())) {
        done.complete();
      } else if (System.nanoTime() > deadline) {
        done.fail(new AssertionError("not within " + timeout.toMillis() + " ms: " + what
            + (result.failed() ? " (last probe failed: " + result.cause() + ")" : "")));
      } else {
        vertx.setTimer(20, id -> attempt(vertx, deadline, timeout, what, probe, done));
      }
    });
  }
}
