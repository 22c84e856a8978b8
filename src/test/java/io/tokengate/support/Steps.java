package io.tokengate.support;

import io.vertx.core.Future;

import java.util.function.Supplier;

/**
 * Asynchronous test steps run one after the other: each starts when the one before succeeded, and
 * the first failure (an {@code AssertionError} thrown in a step's {@code map}, or a failed request)
 * fails the whole. End a test with {@code Steps.inOrder(...).onComplete(ctx.succeedingThenComplete())}.
 */
public final class Steps {

  private Steps() {
  }

  @SafeVarargs
  public static Future<Void> inOrder(Supplier<? extends Future<?>>... steps) {
    Future<Void> chain = Future.succeededFuture();
    for (Supplier<? extends Future<?>> step : steps) {
      chain = chain.compose(previous -> step.get().mapEmpty());
    }
    return chain;
  }
}
