package io.tokengate.config;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One upstream API behind the gateway: a path prefix, where to send it, and who may pass.
 * An upstream named {@value #DEMO_UPSTREAM} is the built-in demo upstream (dev mode only).
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
    Map<String, String> identityHeaders) {

  public static final String DEMO_UPSTREAM = "demo";

  /** Whether a route needs a valid access token. */
  public enum AuthMode { REQUIRED, OPTIONAL, NONE }

  static RouteConfig fromJson(ConfigReader in) {
    in.onlyKeys(Set.of("name", "path", "upstream", "strip_prefix", "auth", "require", "timeout",
        "forward_authorization", "identity_headers"));
    String name = in.string("name", "");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
      throw new ConfigException(in.key("name"), "required: letters, digits, '_', '.', '-' (got \"" + name + "\")");
    }
    String path = in.string("path", "");
    if (!path.startsWith("/") || path.contains("*") || path.contains("..") || path.contains("?")) {
      throw new ConfigException(in.key("path"), "must be a path prefix starting with '/' (got \"" + path + "\")");
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
      identity.put(claim, header);
    }
    return new RouteConfig(
        name,
        path,
        List.copyOf(upstreams),
        demo,
        in.bool("strip_prefix", false),
        in.choice("auth", AuthMode.class, AuthMode.REQUIRED),
        claims,
        require.strings("scopes", List.of()),
        in.duration("timeout", Duration.ofSeconds(30), Duration.ofMillis(1)),
        in.bool("forward_authorization", false),
        Map.copyOf(identity));
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
