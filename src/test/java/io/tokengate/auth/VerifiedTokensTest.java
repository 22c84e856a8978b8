package io.tokengate.auth;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedTokensTest {

  @Test
  @DisplayName("an entry serves until its token's exp plus leeway, then is dropped")
  void expiry() {
    VerifiedTokens cache = new VerifiedTokens(10, 5);
    cache.put("t", null, new JsonObject().put("exp", 100));
    assertThat(cache.get("t", 104)).isNotNull();
    assertThat(cache.get("t", 104).claims().getLong("exp")).isEqualTo(100);
    assertThat(cache.get("t", 105)).isNull();
    assertThat(cache.size()).isZero();
  }

  @Test
  @DisplayName("the cache holds at most its capacity, dropping the least recently used; tokens without exp are never cached")
  void bounded() {
    VerifiedTokens cache = new VerifiedTokens(2, 0);
    cache.put("a", null, new JsonObject().put("exp", 100));
    cache.put("b", null, new JsonObject().put("exp", 100));
    assertThat(cache.get("a", 1)).isNotNull();
    cache.put("c", null, new JsonObject().put("exp", 100));
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get("b", 1)).as("least recently used").isNull();
    assertThat(cache.get("a", 1)).isNotNull();
    cache.put("d", null, new JsonObject());
    assertThat(cache.get("d", 1)).isNull();
  }
}
