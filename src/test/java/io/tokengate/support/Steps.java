package io.tokengate.support;

import io.vertx.core.Future;

import java.util.function.IntFunction;
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

  /** {@code step.apply(0)}, then {@code step.apply(1)}, ... up to {@code n - 1}, one after the other. */
  public static Future<Void> times(int n, IntFunction<? extends Future<?>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < n; i++) {
      int index = i;
      chain = chain.compose(previous -> step.apply(index).mapEmpty());
    }
    return chain;
  }
}
