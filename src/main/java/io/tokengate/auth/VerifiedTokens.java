package io.tokengate.auth;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small LRU of tokens whose signature and header already passed, with the {@link User}
 * vertx-auth-jwt made for them and its claims, so a token
 * presented again (a client calling an API many times within its access lifetime) skips the
 * base64 and JSON decoding and the HMAC. Keyed by the whole token string, so a hit is the same
 * signed bytes; an entry is used only while the token's {@code exp} (plus leeway) has not passed.
 * It caches verification only: revocation is checked by the caller on every request.
 * Not thread-safe: one instance per event loop (each router builds its own {@link TokenCodec}).
 */
final class VerifiedTokens {

  /** A verified token's user and its claims ({@code user}'s own), never modified after it is cached. */
  record Entry(User user, JsonObject claims, long expiresAt) {
  }

  private final int capacity;
  private final long leewaySeconds;
  private final Map<String, Entry> entries;

  VerifiedTokens(int capacity, long leewaySeconds) {
    this.capacity = capacity;
    this.leewaySeconds = leewaySeconds;
    this.entries = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > VerifiedTokens.this.capacity;
      }
    };
  }

  /** The cached claims of {@code token}, or null when absent or expired (then it is dropped). */
  Entry get(String token, long nowSeconds) {
    Entry entry = entries.get(token);
    if (entry == null) {
      return null;
    }
    if (nowSeconds >= entry.expiresAt() + leewaySeconds) {
      entries.remove(token);
      return null;
    }
    return entry;
  }

  void put(String token, User user, JsonObject claims) {
    if (capacity > 0 && claims.getValue("exp") instanceof Number exp) {
      entries.put(token, new Entry(user, claims, exp.longValue()));
    }
  }

  int size() {
    return entries.size();
  }
}
