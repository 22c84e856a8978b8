package io.tokengate.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Passive health of a route's upstreams: one that refused a connection is tried last for
 * {@link #DEFAULT_DOWN_FOR}, then gets its turn again. Round-robin over the healthy ones.
 * Not thread-safe: one instance per route and event loop, used on that loop only.
 */
final class UpstreamHealth {

  static final Duration DEFAULT_DOWN_FOR = Duration.ofSeconds(10);

  private static final int[] ONLY = {0};

  private final long[] downUntil;
  private final long downForNanos;
  private final LongSupplier nanoClock;
  private int next;

  UpstreamHealth(int upstreams, Duration downFor, LongSupplier nanoClock) {
    this.downUntil = new long[upstreams];
    this.downForNanos = downFor.toNanos();
    this.nanoClock = nanoClock;
  }

  /**
   * The order to try the upstreams in for the next request: healthy ones round-robin, then the
   * others, soonest back first. The array is the caller's to read, never to modify (one upstream
   * that is up: a shared array).
   */
  int[] nextOrder() {
    int size = downUntil.length;
    int start = next;
    next = (next + 1) % size;
    long now = nanoClock.getAsLong();
    if (size == 1 && !isDown(0, now)) {
      return ONLY;
    }
    int[] order = new int[size];
    int healthy = 0;
    List<Integer> down = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int index = (start + i) % size;
      if (isDown(index, now)) {
        down.add(index);
      } else {
        order[healthy++] = index;
      }
    }
    down.sort(Comparator.comparingLong(index -> downUntil[index] - now));
    for (int index : down) {
      order[healthy++] = index;
    }
    return order;
  }

  void markDown(int index) {
    long until = nanoClock.getAsLong() + downForNanos;
    downUntil[index] = until == 0 ? 1 : until;
  }

  void markUp(int index) {
    downUntil[index] = 0;
  }

  boolean isDown(int index) {
    return isDown(index, nanoClock.getAsLong());
  }

  private boolean isDown(int index, long now) {
    return downUntil[index] != 0 && now - downUntil[index] < 0;
  }
}
