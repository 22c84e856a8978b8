package io.tokengate.config;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One upstream API behind the gateway: a path prefix, where to send it, and who may pass.
 * An upstream named {@value #DEMO_UPSTREAM} is the built-in demo upstream (dev mode only).
 * {@code allowEncodedSlashes}: paths under this route may carry {@code %2F}/{@code %5C}
 * ({@code http.PathPolicy}); off by default. {@code cors} is null when the route has no {@code cors:} section.
 */
public record RouteConfig(
    String name,
    String path,
    List<URI> upstreams,
    boolean demo,
    boolean stripPrefix,
    AuthMode auth,
    JsonObject requiredClaims,
    List<String> requiredScopes,
    Duration timeout,
    boolean forwardAuthorization,
    Map<String, String> identityHeaders,
    int maxConnections,
    boolean allowEncodedSlashes,
    CorsConfig cors) {

  public static final String DEMO_UPSTREAM = "demo";

  private static final Set<String> RESERVED_HEADERS = Set.of("x-auth-user-id", "x-request-id", "authorization", "host",
      "content-length", "content-type", "transfer-encoding", "connection", "upgrade", "te", "trailer", "keep-alive",
      "forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host");

  /** Paths the gateway serves itself; a route may not claim them. */
  public static final String TOKEN_API_PREFIX = "/api/token/";

  /** Whether a route needs a valid access token. */
  public enum AuthMode { REQUIRED, OPTIONAL, NONE }

  static RouteConfig fromJson(ConfigReader in) {
    in.onlyKeys(Set.of("name", "path", "upstream", "strip_prefix", "auth", "require", "timeout",
        "forward_authorization", "identity_headers", "max_connections", "allow_encoded_slashes", "cors"));
    String name = in.string("name", "");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
      throw new ConfigException(in.key("name"), "required: letters, digits, '_', '.', '-' (got \"" + name + "\")");
    }
    String path = in.string("path", "");
    if (!path.startsWith("/") || path.contains("*") || path.contains("..") || path.contains("?") || path.contains(":")) {
      throw new ConfigException(in.key("path"), "must be a path prefix starting with '/' (got \"" + path + "\")");
    }
    if (path.startsWith(TOKEN_API_PREFIX) || TOKEN_API_PREFIX.equals(path)) {
      throw new ConfigException(in.key("path"), "may not lie under the token API " + TOKEN_API_PREFIX + " (got \"" + path + "\")");
    }
    List<String> upstreamTexts = in.strings("upstream", List.of());
    if (upstreamTexts.isEmpty()) {
      throw new ConfigException(in.key("upstream"), "required: a URL such as http://127.0.0.1:9001, or a list of them");
    }
    boolean demo = upstreamTexts.size() == 1 && upstreamTexts.get(0).equals(DEMO_UPSTREAM);
    List<URI> upstreams = new ArrayList<>();
    if (!demo) {
      for (String text : upstreamTexts) {
        upstreams.add(parseUpstream(in.key("upstream"), text));
      }
    }
    ConfigReader require = in.section("require").onlyKeys(Set.of("claims", "scopes"));
    JsonObject claims = require.section("claims").json().copy();
    Map<String, String> identity = new LinkedHashMap<>();
    ConfigReader headers = in.section("identity_headers");
    for (String claim : headers.json().fieldNames()) {
      String header = headers.string(claim, "");
      if (!header.matches("[A-Za-z0-9-]{1,64}")) {
        throw new ConfigException(headers.key(claim), "not a valid header name: \"" + header + "\"");
      }
      if (RESERVED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
        throw new ConfigException(headers.key(claim), "header \"" + header + "\" is set by the gateway or HTTP itself");
      }
      for (Map.Entry<String, String> mapped : identity.entrySet()) {
        if (mapped.getValue().equalsIgnoreCase(header)) {
          throw new ConfigException(headers.key(claim), "header \"" + header + "\" already carries claim " + mapped.getKey());
        }
      }
      identity.put(claim, header);
    }
    AuthMode auth = in.choice("auth", AuthMode.class, AuthMode.REQUIRED);
    List<String> scopes = require.strings("scopes", List.of());
    if (auth != AuthMode.REQUIRED && (!claims.isEmpty() || !scopes.isEmpty())) {
      // an anonymous request could otherwise walk past the rules
      throw new ConfigException(in.key("require"), "needs auth: required (got auth: " + auth.name().toLowerCase() + ")");
    }
    return new RouteConfig(
        name,
        path,
        List.copyOf(upstreams),
        demo,
        in.bool("strip_prefix", false),
        auth,
        claims,
        scopes,
        in.duration("timeout", Duration.ofSeconds(30), Duration.ofMillis(1)),
        in.bool("forward_authorization", false),
        Map.copyOf(identity),
        in.integer("max_connections", DEFAULT_MAX_CONNECTIONS, 1, 10_000),
        in.bool("allow_encoded_slashes", false),
        CorsConfig.fromJson(in));
  }

  /** Keep-alive connections per upstream address and per event loop. */
  public static final int DEFAULT_MAX_CONNECTIONS = 64;

  /** This route sent to {@code upstream} instead (the demo upstream once it listens). */
  public RouteConfig withUpstream(URI upstream) {
    return new RouteConfig(name, path, List.of(upstream), demo, stripPrefix, auth, requiredClaims, requiredScopes,
        timeout, forwardAuthorization, identityHeaders, maxConnections, allowEncodedSlashes, cors);
  }

  private static URI parseUpstream(String key, String text) {
    try {
      URI uri = new URI(text);
      boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      if (!http || uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
          || uri.getQuery() != null) {
        throw new ConfigException(key, "not an upstream URL of the form http://host:port (got \"" + text + "\")");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(key, "not an upstream URL of the form http://host:port (got \"" + text + "\")");
    }
  }
}
