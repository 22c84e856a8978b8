package io.tokengate.proxy;

import io.tokengate.auth.TokenCodec;
import io.tokengate.web.RefreshCookies;
import io.tokengate.config.RouteConfig;
import io.tokengate.ops.AccessLogHandler;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the upstream learns about the caller, and only from the gateway: every client-sent
 * {@code X-Auth-*} header and every header a route maps a claim to is removed first; then, for an
 * authenticated request, {@value #USER_ID} carries the user id claim and each mapped claim its
 * header. {@code Authorization} is removed unless the route forwards it. {@value #REQUEST_ID} is
 * passed through when sane, else the id the access log gave the request (the one the client's
 * response carries; a new UUID without one). Mutates the server request's headers, which the proxy copies; runs on the event loop, after authentication and before {@code ProxyHandler}.
 */
final class IdentityHeaders implements Handler<RoutingContext> {

  static final String USER_ID = "X-Auth-User-Id";
  static final String REQUEST_ID = "X-Request-Id";
  private static final String RESERVED_PREFIX = "x-auth-";
  private static final Pattern SANE_REQUEST_ID = Pattern.compile("[\\x21-\\x7e]{1,128}");

  private final String userIdClaim;
  private final Map<String, String> claimHeaders;
  private final Set<String> mappedNames;
  private final boolean forwardAuthorization;

  IdentityHeaders(RouteConfig route, String userIdClaim) {
    this.userIdClaim = userIdClaim;
    this.claimHeaders = new LinkedHashMap<>(route.identityHeaders());
    this.mappedNames = route.identityHeaders().values().stream()
        .map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    this.forwardAuthorization = route.forwardAuthorization();
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.request().headers();
    removeSpoofable(headers);
    if (!forwardAuthorization) {
      headers.remove(HttpHeaders.AUTHORIZATION);
    }
    stripGatewayCookies(headers);
    User user = ctx.user();
    if (user != null) {
      JsonObject claims = TokenCodec.claimsOf(user);
      put(headers, USER_ID, claims.getValue(userIdClaim));
      claimHeaders.forEach((claim, header) -> put(headers, header, claims.getValue(claim)));
    }
    String requestId = headers.get(REQUEST_ID);
    if (requestId == null || !SANE_REQUEST_ID.matcher(requestId).matches()) {
      // the id the access log and the client's response carry, so the three can be correlated
      String assigned = ctx.get(AccessLogHandler.REQUEST_ID);
      headers.set(REQUEST_ID, assigned != null ? assigned : AccessLogHandler.newRequestId());
    }
    ctx.next();
  }

  /** The refresh-token and CSRF cookies of cookie mode are the gateway's own: never sent upstream. */
  private static void stripGatewayCookies(MultiMap headers) {
    List<String> cookies = headers.getAll(HttpHeaders.COOKIE);
    if (cookies.isEmpty()) {
      return;
    }
    List<String> kept = new ArrayList<>();
    for (String cookie : cookies) {
      String rest = RefreshCookies.stripFrom(cookie);
      if (rest != null && !rest.isEmpty()) {
        kept.add(rest);
      }
    }
    headers.remove(HttpHeaders.COOKIE);
    kept.forEach(cookie -> headers.add(HttpHeaders.COOKIE, cookie));
  }

  private void removeSpoofable(MultiMap headers) {
    List<String> doomed = new ArrayList<>();
    for (String name : headers.names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.startsWith(RESERVED_PREFIX) || mappedNames.contains(lower)) {
        doomed.add(name);
      }
    }
    doomed.forEach(headers::remove);
  }

  private static void put(MultiMap headers, String name, Object claim) {
    String value = text(claim);
    if (value != null && value.chars().noneMatch(c -> c < 0x20 || c == 0x7f)) {
      headers.set(name, value);
    }
  }

  /** A claim as header text: strings as they are, other JSON values encoded; absent or null: no header. */
  static String text(Object claim) {
    if (claim == null) {
      return null;
    }
    if (claim instanceof String s) {
      return s;
    }
    if (claim instanceof JsonObject object) {
      return object.encode();
    }
    if (claim instanceof JsonArray array) {
      return array.encode();
    }
    return String.valueOf(claim);
  }
}
