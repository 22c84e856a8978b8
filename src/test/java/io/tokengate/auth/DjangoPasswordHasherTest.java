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
  @DisplayName("a hash with another iteration count needs an upgrade, as Django's must_update")
  void upgrade() {
    assertThat(hasher.needsUpgrade("pbkdf2_sha256$260000$salt$hash")).isTrue();
    assertThat(hasher.needsUpgrade(hasher.encode("x"))).isFalse();
  }
}
