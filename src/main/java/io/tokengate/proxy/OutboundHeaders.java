package io.tokengate.proxy;

import io.tokengate.config.RouteConfig;
import io.tokengate.auth.RefreshCookies;
import io.tokengate.http.HeaderNames;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The headers a proxied request carries upstream, built in one pass over the client's. What the
 * upstream learns about the caller comes only from the gateway:
 * <ul>
 *   <li>names are compared case-insensitively with {@code _} read as {@code -} (a look-alike of a
 *       header below is removed too);</li>
 *   <li>removed: hop-by-hop headers and those the client names in {@code Connection}; {@code Host}
 *       (the client sets the upstream's own); every {@code X-Auth-*} header and every header the
 *       route maps a claim to; {@code Authorization} unless the route forwards it; the client's
 *       own {@code X-Forwarded-*} and {@code Forwarded} (the gateway is the edge); the refresh and
 *       CSRF cookies of cookie mode (the gateway's own); {@code Content-Length} (the gateway frames the
 *       body it sends) and {@code Expect} (the gateway answers it);</li>
 *   <li>added: {@value #USER_ID} with the user id claim and each mapped claim's header, for an
 *       authenticated request (a value that is not printable ASCII as {@code Name*} in RFC 8187
 *       form); {@value #REQUEST_ID} (the client's when sane, else the request's id
 *       in the access log and on the response); {@code X-Forwarded-For/-Proto/-Host} and RFC 7239
 *       {@code Forwarded}.</li>
 * </ul>
 * A WebSocket upgrade keeps {@code Upgrade} and its {@code Sec-WebSocket-*} headers, with
 * {@code Connection: Upgrade}. Immutable; one per route.
 */
final class OutboundHeaders {

  static final String USER_ID = "X-Auth-User-Id";
  static final String REQUEST_ID = "X-Request-Id";
  static final String X_FORWARDED_FOR = "X-Forwarded-For";
  static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
  static final String X_FORWARDED_HOST = "X-Forwarded-Host";
  static final String FORWARDED = "Forwarded";

  private static final CharSequence USER_ID_NAME = HttpHeaders.createOptimized(USER_ID);
  private static final CharSequence REQUEST_ID_NAME = HttpHeaders.createOptimized(REQUEST_ID);
  private static final CharSequence X_FORWARDED_FOR_NAME = HttpHeaders.createOptimized(X_FORWARDED_FOR);
  private static final CharSequence X_FORWARDED_PROTO_NAME = HttpHeaders.createOptimized(X_FORWARDED_PROTO);
  private static final CharSequence X_FORWARDED_HOST_NAME = HttpHeaders.createOptimized(X_FORWARDED_HOST);
  private static final CharSequence FORWARDED_NAME = HttpHeaders.createOptimized(FORWARDED);
  private static final String RESERVED_PREFIX = "x-auth-";
  private static final Pattern SANE_REQUEST_ID = Pattern.compile("[\\x21-\\x7e]{1,128}");

  /** What to do with a client header, by name (case-insensitive). */
  private enum Kind { DROP, HOP_BY_HOP, UPGRADE, AUTHORIZATION, COOKIE, REQUEST_ID }

  private static final HeaderNames<Kind> STANDARD = standard();

  private static HeaderNames<Kind> standard() {
    Map<String, Kind> kinds = new HashMap<>();
    for (String name : new String[] {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding"}) {
      kinds.put(name, Kind.HOP_BY_HOP);
    }
    // framing is the gateway's own (the Forwarder sets it from what it sends); Expect is answered by the gateway
    for (String name : new String[] {"host", X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST, FORWARDED,
        "content-length", "expect"}) {
      kinds.put(name, Kind.DROP);
    }
    kinds.put("upgrade", Kind.UPGRADE);
    kinds.put("authorization", Kind.AUTHORIZATION);
    kinds.put("cookie", Kind.COOKIE);
    kinds.put(REQUEST_ID, Kind.REQUEST_ID);
    return HeaderNames.of(kinds);
  }

  private final String userIdClaim;
  private final Map<String, String> claimHeaders;
  private final Set<String> mappedNames = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
  private final boolean forwardAuthorization;
  /** {@code X-Forwarded-Proto}: the listener's, the same for every request. */
  private final String proto;

  OutboundHeaders(RouteConfig route, String userIdClaim, boolean tls) {
    this.userIdClaim = userIdClaim;
    this.claimHeaders = Map.copyOf(route.identityHeaders());
    this.mappedNames.addAll(route.identityHeaders().values());
    this.forwardAuthorization = route.forwardAuthorization();
    this.proto = tls ? "https" : "http";
  }

  /**
   * Adds the upstream's headers for {@code request} to {@code out} (the upstream request's own,
   * empty: no copy is made): {@code claims} null for an anonymous request, {@code requestId} the id
   * the gateway gave the request (null: a new one if the client's is not sane).
   */
  void build(HttpServerRequest request, JsonObject claims, String requestId, boolean upgrade, MultiMap out) {
    MultiMap in = request.headers();
    Set<String> declaredHopByHop = upgrade ? Set.of() : connectionTokens(in);
    String clientRequestId = null;
    for (Map.Entry<String, String> header : in) {
      String name = header.getKey();
      // X_Auth_User_Id reads as X-Auth-User-Id to CGI/WSGI-style upstreams: names are compared with '_' as '-'
      String folded = name.indexOf('_') < 0 ? name : name.replace('_', '-');
      Kind kind = STANDARD.get(folded);
      if (kind == null) {
        if (!folded.regionMatches(true, 0, RESERVED_PREFIX, 0, RESERVED_PREFIX.length()) && !isMapped(folded)
            && (declaredHopByHop.isEmpty() || !(declaredHopByHop.contains(name.toLowerCase(Locale.ROOT))
            || declaredHopByHop.contains(folded.toLowerCase(Locale.ROOT))))) {
          out.add(name, header.getValue());
        }
        continue;
      }
      if (folded != name) {
        // a look-alike of a header the gateway reads or sets: never passed on
        continue;
      }
      switch (kind) {
        case UPGRADE -> {
          if (upgrade) {
            out.add(name, header.getValue());
          }
        }
        case AUTHORIZATION -> {
          if (forwardAuthorization) {
            out.add(name, header.getValue());
          }
        }
        case COOKIE -> {
          String rest = RefreshCookies.stripFrom(header.getValue());
          if (rest != null && !rest.isEmpty()) {
            out.add(HttpHeaders.COOKIE, rest);
          }
        }
        case REQUEST_ID -> {
          if (clientRequestId == null) {
            clientRequestId = header.getValue();
          }
        }
        case DROP, HOP_BY_HOP -> {
        }
      }
    }
    // every header added from here on was dropped above: add, never set (no lookup)
    if (upgrade) {
      out.add(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
    }
    if (claims != null) {
      put(out, USER_ID_NAME, claims.getValue(userIdClaim));
      claimHeaders.forEach((claim, header) -> put(out, header, claims.getValue(claim)));
    }
    boolean sane = clientRequestId != null && SANE_REQUEST_ID.matcher(clientRequestId).matches();
    out.add(REQUEST_ID_NAME, sane ? clientRequestId : requestId != null ? requestId : io.tokengate.ops.AccessLog.newRequestId());
    forwarded(request, out);
  }

  private void forwarded(HttpServerRequest request, MultiMap out) {
    // the connection's peer and the request's own Host: the router's request wrapper would work out
    // scheme, authority and absolute URI for these (vertx-web's ForwardedParser), on every request
    SocketAddress remote = request.connection().remoteAddress();
    String address = remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    String host = authority(request);
    out.add(X_FORWARDED_FOR_NAME, address).add(X_FORWARDED_PROTO_NAME, proto);
    StringBuilder forwarded = new StringBuilder(64).append("for=");
    if (address.indexOf(':') >= 0) {
      forwarded.append("\"[").append(address).append("]\"");
    } else {
      forwarded.append(address);
    }
    forwarded.append(";proto=").append(proto);
    if (host != null) {
      out.add(X_FORWARDED_HOST_NAME, host);
      forwarded.append(";host=\"").append(host).append('"');
    }
    out.add(FORWARDED_NAME, forwarded.toString());
  }

  /** The caller's user id claim (what {@code X-Auth-User-Id} carries), or null. */
  Object userId(JsonObject claims) {
    return claims.getValue(userIdClaim);
  }

  /**
   * The authority the client asked for, as {@link HttpServerRequest#authority()} gives it: HTTP/1.x
   * reads the {@code Host} header, HTTP/2 its {@code :authority}; null when absent or not a valid
   * authority.
   */
  static String authority(HttpServerRequest request) {
    if (request.version() != HttpVersion.HTTP_2) {
      String host = request.getHeader(HttpHeaders.HOST);
      if (host == null) {
        return null;
      }
      HostAndPort parsed = HostAndPort.parseAuthority(host, -1);
      return parsed == null ? null : parsed.port() < 0 ? host : parsed.toString();
    }
    HostAndPort authority = request.authority();
    return authority == null ? null : authority.toString();
  }

  /** The header names a client lists in {@code Connection} (hop-by-hop by declaration), lower case. */
  private static Set<String> connectionTokens(MultiMap in) {
    String first = in.get(HttpHeaders.CONNECTION);
    if (first == null || "keep-alive".equalsIgnoreCase(first) || "close".equalsIgnoreCase(first)) {
      // the usual values name only standard hop-by-hop headers, already dropped
      if (first == null || in.getAll(HttpHeaders.CONNECTION).size() == 1) {
        return Set.of();
      }
    }
    Set<String> names = new HashSet<>();
    for (String value : in.getAll(HttpHeaders.CONNECTION)) {
      for (String token : value.split(",")) {
        String name = token.strip().toLowerCase(Locale.ROOT);
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** A mapped claim header, also in its RFC 8187 form ({@code Name*}). */
  private boolean isMapped(String name) {
    if (mappedNames.isEmpty()) {
      return false;
    }
    return mappedNames.contains(name) || name.endsWith("*") && mappedNames.contains(name.substring(0, name.length() - 1));
  }

  /**
   * A claim as a header: printable ASCII as it is; other text as {@code Name*: UTF-8''…} (RFC 8187
   * percent-encoded UTF-8), never lossily; a value with control characters is left out.
   */
  private static void put(MultiMap headers, CharSequence name, Object claim) {
    String value = text(claim);
    if (value == null) {
      return;
    }
    boolean ascii = true;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return;
      }
      ascii &= c < 0x7f;
    }
    if (ascii) {
      headers.add(name, value);
    } else {
      headers.add(name + "*", extValue(value));
    }
  }

  /** RFC 8187 ext-value: {@code UTF-8''} and the UTF-8 bytes, attr-char as is, the rest as {@code %XX}. */
  static String extValue(String value) {
    byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length * 3 + 7).append("UTF-8''");
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
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
