package io.tokengate.proxy;

import io.tokengate.config.RouteConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A route's {@code require} rules over an authenticated token: every listed claim equal to its
 * value (numbers by value, so 1 equals 1.0) and every listed scope in the space-separated
 * {@code scope} claim (a JSON list is accepted too). A request that breaks one gets 403; one
 * without a token, 401. Immutable; checked by {@link AdmissionHandler}.
 */
final class ClaimRules {

  private final JsonObject claims;
  private final List<String> scopes;

  ClaimRules(JsonObject claims, List<String> scopes) {
    this.claims = claims.copy();
    this.scopes = List.copyOf(scopes);
  }

  /** The rules of {@code route}, or none when it lists none. */
  static Optional<ClaimRules> of(RouteConfig route) {
    if (route.requiredClaims().isEmpty() && route.requiredScopes().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ClaimRules(route.requiredClaims(), route.requiredScopes()));
  }

  boolean allows(JsonObject token) {
    for (Map.Entry<String, Object> rule : claims) {
      if (!token.containsKey(rule.getKey()) || !sameValue(rule.getValue(), token.getValue(rule.getKey()))) {
        return false;
      }
    }
    return granted(token.getValue("scope")).containsAll(scopes);
  }

  private static Set<String> granted(Object scope) {
    Set<String> result = new HashSet<>();
    if (scope instanceof String text) {
      result.addAll(Arrays.asList(text.split(" ")));
    } else if (scope instanceof JsonArray list) {
      for (Object item : list) {
        if (item instanceof String text) {
          result.add(text);
        }
      }
    }
    result.remove("");
    return result;
  }

  private static boolean sameValue(Object expected, Object actual) {
    if (expected instanceof Number a && actual instanceof Number b) {
      return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
    }
    return Objects.equals(expected, actual);
  }
}
