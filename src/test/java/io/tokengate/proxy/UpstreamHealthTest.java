package io.tokengate.proxy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Passive upstream health")
class UpstreamHealthTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final UpstreamHealth health = new UpstreamHealth(3, Duration.ofSeconds(10), now::get);

  @Test
  @DisplayName("healthy upstreams take turns")
  void roundRobin() {
    assertThat(health.nextOrder()).containsExactly(0, 1, 2);
    assertThat(health.nextOrder()).containsExactly(1, 2, 0);
    assertThat(health.nextOrder()).containsExactly(2, 0, 1);
    assertThat(health.nextOrder()).containsExactly(0, 1, 2);
  }

  @Test
  @DisplayName("a refusing upstream is tried last for 10 s, then gets its turn again")
  void downForAWhile() {
    health.markDown(0);
    assertThat(health.nextOrder()).containsExactly(1, 2, 0);
    assertThat(health.nextOrder()).containsExactly(1, 2, 0);
    assertThat(health.nextOrder()).containsExactly(2, 1, 0);
    now.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(health.isDown(0)).isTrue();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(health.isDown(0)).isFalse();
    assertThat(health.nextOrder()).containsExactly(0, 1, 2);
  }

  @Test
  @DisplayName("when all are down, the one back soonest is tried first; a success clears it at once")
  void allDown() {
    health.markDown(2);
    now.addAndGet(1_000);
    health.markDown(0);
    now.addAndGet(1_000);
    health.markDown(1);
    assertThat(health.nextOrder()).containsExactly(2, 0, 1);
    health.markUp(1);
    assertThat(health.nextOrder()).containsExactly(1, 2, 0);
  }
}
