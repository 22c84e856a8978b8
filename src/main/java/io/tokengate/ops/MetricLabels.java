package io.tokengate.ops;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Label values from closed sets, so nothing a client (or an upstream) sends can add a metric
 * series: every series costs memory until the process ends, and 20,000 made-up methods once grew
 * {@code /metrics} to 156 MB. Methods: the nine standard ones, else {@code other}. Status codes: the
 * registered ones, else {@code other}. Routes: what the router named (a route's name or its
 * definition, never a request's path), at most {@link #MAX_ROUTES} distinct ones per
 * {@link Routes}, then {@code other}. Thread-safe.
 */
final class MetricLabels {

  static final String OTHER = "other";
  /** More route labels than any configuration has; a safety net, not a limit anyone should reach. */
  static final int MAX_ROUTES = 256;

  private static final String[] CODES = new String[600];

  static {
    int[] registered = {100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305,
        307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422,
        423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511};
    for (int code : registered) {
      CODES[code] = Integer.toString(code);
    }
  }

  private MetricLabels() {
  }

  /** The method's name if it is one of GET HEAD POST PUT PATCH DELETE OPTIONS CONNECT TRACE, else {@code other}. */
  static String method(String name) {
    return switch (name) {
      case "GET" -> "GET";
      case "HEAD" -> "HEAD";
      case "POST" -> "POST";
      case "PUT" -> "PUT";
      case "PATCH" -> "PATCH";
      case "DELETE" -> "DELETE";
      case "OPTIONS" -> "OPTIONS";
      case "CONNECT" -> "CONNECT";
      case "TRACE" -> "TRACE";
      default -> OTHER;
    };
  }

  /** The code as text if it is a registered HTTP status code, else {@code other}. */
  static String code(int status) {
    String code = status >= 0 && status < CODES.length ? CODES[status] : null;
    return code == null ? OTHER : code;
  }

  /** Route labels seen by one metrics instance, capped at {@link #MAX_ROUTES}. */
  static final class Routes {

    private final ConcurrentMap<String, String> seen = new ConcurrentHashMap<>();

    String label(String route) {
      String known = seen.get(route);
      if (known != null) {
        return known;
      }
      if (seen.size() >= MAX_ROUTES) {
        return OTHER;
      }
      String previous = seen.putIfAbsent(route, route);
      return previous == null ? route : previous;
    }
  }
}
