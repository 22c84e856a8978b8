package io.tokengate.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A route's {@code cors:} section, turned into vertx-web's {@code CorsHandler} ahead of the
 * route's authentication: which browser origins may call the route ({@code allowed_origins},
 * required: exact origins such as {@code https://app.example.com}, or {@code "*"} alone), with
 * which methods and request headers, whether credentials (cookies) may be sent, and how long a
 * preflight answer may be cached. Immutable.
 */
public record CorsConfig(
    List<String> allowedOrigins,
    List<String> allowedMethods,
    List<String> allowedHeaders,
    List<String> exposedHeaders,
    boolean allowCredentials,
    Duration maxAge) {

  public static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
  public static final List<String> DEFAULT_HEADERS = List.of("Authorization", "Content-Type");
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  /** The route's CORS rules, or null when its configuration has no {@code cors} section. */
  static CorsConfig fromJson(ConfigReader route) {
    if (route.json().getValue("cors") == null) {
      return null;
    }
    ConfigReader in = route.section("cors").onlyKeys(Set.of("allowed_origins", "allowed_methods", "allowed_headers",
        "exposed_headers", "allow_credentials", "max_age"));
    List<String> origins = in.strings("allowed_origins", List.of());
    if (origins.isEmpty()) {
      throw new ConfigException(in.key("allowed_origins"), "required: the origins that may call this route, e.g. https://app.example.com");
    }
    for (String origin : origins) {
      if (!origin.equals("*") && !isOrigin(origin)) {
        throw new ConfigException(in.key("allowed_origins"), "not an origin of the form scheme://host[:port] (got \"" + origin + "\")");
      }
    }
    boolean credentials = in.bool("allow_credentials", false);
    if (origins.contains("*") && (origins.size() > 1 || credentials)) {
      throw new ConfigException(in.key("allowed_origins"), "\"*\" must stand alone and cannot be combined with allow_credentials");
    }
    List<String> methods = in.strings("allowed_methods", DEFAULT_METHODS).stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
    for (String method : methods) {
      if (!METHODS.contains(method)) {
        throw new ConfigException(in.key("allowed_methods"), "unknown method \"" + method + "\" (known: " + String.join(", ", METHODS.stream().sorted().toList()) + ")");
      }
    }
    List<String> headers = in.strings("allowed_headers", DEFAULT_HEADERS);
    List<String> exposed = in.strings("exposed_headers", List.of());
    for (String header : concat(headers, exposed)) {
      if (!header.matches("[A-Za-z0-9-]{1,64}")) {
        throw new ConfigException(in.key("allowed_headers"), "not a valid header name: \"" + header + "\"");
      }
    }
    Duration maxAge = in.duration("max_age", Duration.ZERO, Duration.ZERO);
    if (maxAge.toSeconds() > 86_400) {
      throw new ConfigException(in.key("max_age"), "must be at most one day (browsers cap it lower), got " + maxAge);
    }
    return new CorsConfig(List.copyOf(origins), List.copyOf(methods), List.copyOf(headers), List.copyOf(exposed), credentials, maxAge);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  /** An origin as browsers send it: http(s), a host, an optional port, nothing else. */
  private static boolean isOrigin(String text) {
    try {
      URI uri = new URI(text);
      boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      return http && uri.getHost() != null && uri.getRawUserInfo() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
          && uri.getRawQuery() == null && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
