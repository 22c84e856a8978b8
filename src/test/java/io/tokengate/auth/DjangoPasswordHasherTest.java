package io.tokengate.auth;

import io.tokengate.support.Vectors;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DjangoPasswordHasherTest {

  private final DjangoPasswordHasher hasher = new DjangoPasswordHasher(1000);

  @Test
  @DisplayName("every Django-made hash in the vectors verifies exactly as Django says")
  void djangoVectors() {
    var hashes = Vectors.all().getJsonArray("django_password_hashes");
    assertThat(hashes).hasSizeGreaterThanOrEqualTo(10);
    for (Object item : hashes) {
      JsonObject vector = (JsonObject) item;
      String encoded = vector.getString("encoded");
      boolean expected = vector.getBoolean("valid");
      boolean actual = DjangoPasswordHasher.usable(encoded) && hasher.verify(vector.getString("password"), encoded);
      assertThat(actual).as("%s with %s", vector.getString("password"), encoded).isEqualTo(expected);
    }
  }

  @Test
  @DisplayName("a new hash is in Django's format with the configured iterations and verifies")
  void encodeRoundTrip() {
    String encoded = hasher.encode("s3cret-ü");
    assertThat(encoded).matches("pbkdf2_sha256\\$1000\\$[A-Za-z0-9]{22}\\$[A-Za-z0-9+/]{43}=");
    assertThat(hasher.verify("s3cret-ü", encoded)).isTrue();
    assertThat(hasher.verify("s3cret-u", encoded)).isFalse();
    assertThat(hasher.encode("s3cret-ü")).isNotEqualTo(encoded);
  }

  @Test
  @DisplayName("unusable, malformed and missing hashes never match")
  void neverMatches() {
    assertThat(hasher.verify("anything", null)).isFalse();
    assertThat(hasher.verify("anything", "!pjYPIgS69lfN75I6BjY6EPHy6LXuqDaTX6d2FuCL")).isFalse();
    assertThat(hasher.verify("anything", "md5$salt$abc")).isFalse();
    assertThat(hasher.verify("anything", "pbkdf2_sha256$x$salt$abc")).isFalse();
    assertThat(hasher.verify("anything", "pbkdf2_sha256$1000$salt$%%%")).isFalse();
    assertThat(DjangoPasswordHasher.usable("!abc")).isFalse();
  }

  @Test
  @DisplayName("a hash with fewer iterations than configured needs an upgrade; one with more is never downgraded")
  void upgrade() {
    DjangoPasswordHasher configured = new DjangoPasswordHasher(600_000);
    assertThat(configured.needsUpgrade("pbkdf2_sha256$260000$salt$hash")).isTrue();
    assertThat(configured.needsUpgrade("pbkdf2_sha256$600000$salt$hash")).isFalse();
    assertThat(configured.needsUpgrade("pbkdf2_sha256$870000$salt$hash")).as("Django 5.0's count").isFalse();
    assertThat(configured.needsUpgrade("pbkdf2_sha256$1000000$salt$hash")).as("Django 5.1's count").isFalse();
    assertThat(hasher.needsUpgrade(hasher.encode("x"))).isFalse();
  }

  @Test
  @DisplayName("the unknown-user decoy costs a hash of the configured iteration count")
  void decoyCostsConfiguredCount() {
    DjangoPasswordHasher cheap = new DjangoPasswordHasher(1);
    DjangoPasswordHasher dear = new DjangoPasswordHasher(400_000);
    cheap.warmUp();
    dear.warmUp();
    long cheapNanos = minNanos(() -> cheap.verify("pw", null));
    long dearNanos = minNanos(() -> dear.verify("pw", null));
    long realNanos = minNanos(() -> dear.verify("pw", "pbkdf2_sha256$400000$salt$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    assertThat(dearNanos).isGreaterThan(cheapNanos * 20);
    assertThat((double) dearNanos).isBetween(realNanos * 0.5, realNanos * 2.0);
  }

  private static long minNanos(Runnable work) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      work.run();
      best = Math.min(best, System.nanoTime() - start);
    }
    return best;
  }
}
