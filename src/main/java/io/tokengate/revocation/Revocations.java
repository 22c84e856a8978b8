package io.tokengate.revocation;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process's in-memory view of revoked access tokens: single tokens by {@code jti}, and
 * per-user "not before" times (log out everywhere, deactivation, deletion, password change).
 * Shared by every verticle: thread-safe, lock-free reads, so the per-request check on a protected
 * route is two map lookups. Fed by {@link RevocationFeed}.
 */
public final class Revocations {

  /** Why a token is refused. */
  public enum Verdict { REVOKED, USER_INACTIVE, USER_NOT_FOUND }

  private record UserEntry(long notBefore, String reason, long expires) {
  }

  private final Map<String, Long> jtis = new ConcurrentHashMap<>();
  private final Map<String, UserEntry> users = new ConcurrentHashMap<>();
  private final String userIdClaim;

  public Revocations(String userIdClaim) {
    this.userIdClaim = userIdClaim;
  }

  /** Null if the token may pass, else why not. {@code claims} are verified claims. */
  public Verdict check(JsonObject claims) {
    Object jti = claims.getValue("jti");
    if (jti != null && jtis.containsKey(jti.toString())) {
      return Verdict.REVOKED;
    }
    if (users.isEmpty()) {
      return null;
    }
    Object userId = claims.getValue(userIdClaim);
    UserEntry entry = userId == null ? null : users.get(userId.toString());
    if (entry == null) {
      return null;
    }
    Object iat = claims.getValue("iat");
    long issued = iat instanceof Number number ? number.longValue() : 0L;
    if (issued >= entry.notBefore()) {
      return null;
    }
    return switch (entry.reason()) {
      case "inactive" -> Verdict.USER_INACTIVE;
      case "deleted" -> Verdict.USER_NOT_FOUND;
      default -> Verdict.REVOKED;
    };
  }

  /** Applies one revocation event: {@code {kind: jti|user, value, reason, not_before, expires}}. */
  public void apply(JsonObject event) {
    String value = event.getString("value");
    long expires = event.getLong("expires", Long.MAX_VALUE);
    if (value == null) {
      return;
    }
    if ("jti".equals(event.getString("kind"))) {
      jtis.merge(value, expires, Math::max);
    } else if ("user".equals(event.getString("kind"))) {
      UserEntry entry = new UserEntry(event.getLong("not_before", 0L), event.getString("reason", "revoked"), expires);
      users.merge(value, entry, (old, now) -> now.notBefore() >= old.notBefore() ? now : old);
    }
  }

  /** Forgets entries whose tokens have expired anyway. */
  public void prune(long nowEpochSeconds) {
    jtis.values().removeIf(expires -> expires < nowEpochSeconds);
    users.values().removeIf(entry -> entry.expires() < nowEpochSeconds);
  }

  public int size() {
    return jtis.size() + users.size();
  }
}
