package io.tokengate.http;

import io.tokengate.config.RouteConfig;
import io.vertx.core.http.HttpServerRequest;

import java.util.Comparator;
import java.util.List;

/**
 * Which raw request paths the gateway accepts at all, decided before any routing so that a route
 * never matches one reading of a path while its upstream acts on another. Refused anywhere:
 * {@code ;} (path parameters), {@code \}, {@code %00}, an encoded dot ({@code %2e}, so no encoded
 * dot segment), and the encoded slashes {@code %2F} and {@code %5C}, any case. Encoded slashes
 * pass only on a route with {@code allow_encoded_slashes: true}, and only when the path takes that
 * route both as sent and with its encoded slashes decoded (no other route's prefix can be reached
 * through one), and the decoded path has no dot segment; the route then matches and forwards the
 * same bytes. Immutable and pure; any thread.
 */
public final class PathPolicy {

  /** A route's path prefix and whether it takes encoded slashes. */
  public record Prefix(String path, boolean encodedSlashes) {
  }

  /** Longest first, as the gateway matches them. */
  private final List<Prefix> prefixes;

  public PathPolicy(List<Prefix> prefixes) {
    this.prefixes = prefixes.stream().sorted(Comparator.comparingInt((Prefix p) -> p.path().length()).reversed()).toList();
  }

  /** The policy for these routes (their {@code allow_encoded_slashes}). */
  public static PathPolicy of(List<RouteConfig> routes) {
    return new PathPolicy(routes.stream().map(route -> new Prefix(route.path(), route.allowEncodedSlashes())).toList());
  }

  /** Answers a refused path with a JSON 400 and returns false; true lets {@code request} be routed. */
  public boolean admit(HttpServerRequest request) {
    if (allows(request.path())) {
      return true;
    }
    FailureHandler.refuse(request, 400, "Bad request.", "bad_path", false);
    return false;
  }

  /** Whether {@code path} (the raw path of the request line, without the query) may be served. */
  public boolean allows(String path) {
    if (path == null) {
      return true;
    }
    boolean encodedSlash = false;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == ';' || c == '\\') {
        return false;
      }
      if (c == '%') {
        if (i + 2 >= path.length()) {
          return false;
        }
        char high = path.charAt(i + 1);
        char low = Character.toLowerCase(path.charAt(i + 2));
        if (high == '0' && low == '0' || high == '2' && low == 'e') {
          return false;
        }
        if (high == '2' && low == 'f' || high == '5' && low == 'c') {
          encodedSlash = true;
        }
      }
    }
    return !encodedSlash || allowsEncodedSlashes(path);
  }

  private boolean allowsEncodedSlashes(String path) {
    Prefix raw = match(path);
    if (raw == null || !raw.encodedSlashes()) {
      return false;
    }
    String decoded = decodeSlashes(path);
    return raw == match(decoded) && !hasDotSegment(decoded);
  }

  /** Whether a segment is {@code .} or {@code ..}: once its slashes are decoded the path would climb. */
  private static boolean hasDotSegment(String path) {
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  private Prefix match(String path) {
    for (Prefix prefix : prefixes) {
      if (path.startsWith(prefix.path())) {
        return prefix;
      }
    }
    return null;
  }

  private static String decodeSlashes(String path) {
    StringBuilder decoded = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%' && i + 2 < path.length()) {
        String code = path.substring(i + 1, i + 3);
        if (code.equalsIgnoreCase("2f") || code.equalsIgnoreCase("5c")) {
          decoded.append('/');
          i += 2;
          continue;
        }
      }
      decoded.append(c);
    }
    return decoded.toString();
  }
}
