package io.tokengate.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Tells the upstream where the request came from: {@code X-Forwarded-For/-Proto/-Host} and
 * RFC 7239 {@code Forwarded}, replacing whatever the client sent (the gateway is the edge: a
 * client's own claims about its address are not passed on). Also drops the headers a client names
 * in {@code Connection} (hop-by-hop by declaration); the proxy drops the standard hop-by-hop ones.
 * Runs on the event loop.
 */
final class ForwardedHeaders implements ProxyInterceptor {

  static final String X_FORWARDED_FOR = "X-Forwarded-For";
  static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
  static final String X_FORWARDED_HOST = "X-Forwarded-Host";
  static final String FORWARDED = "Forwarded";

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    MultiMap headers = context.request().headers();
    HttpServerRequest client = context.request().proxiedRequest();
    if (!context.isWebSocket()) {
      removeConnectionTokens(headers);
    }
    SocketAddress remote = client.remoteAddress();
    String address = remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    String proto = client.scheme() == null ? "http" : client.scheme();
    HostAndPort authority = client.authority();
    headers.set(X_FORWARDED_FOR, address).set(X_FORWARDED_PROTO, proto);
    StringBuilder forwarded = new StringBuilder("for=").append(address.contains(":") ? "\"[" + address + "]\"" : address)
        .append(";proto=").append(proto);
    if (authority != null) {
      headers.set(X_FORWARDED_HOST, authority.toString());
      forwarded.append(";host=\"").append(authority).append('"');
    } else {
      headers.remove(X_FORWARDED_HOST);
    }
    headers.set(FORWARDED, forwarded.toString());
    return context.sendRequest();
  }

  private static void removeConnectionTokens(MultiMap headers) {
    for (String value : headers.getAll(HttpHeaders.CONNECTION)) {
      for (String token : value.split(",")) {
        String name = token.strip();
        if (!name.isEmpty() && !name.equalsIgnoreCase(HttpHeaders.CONNECTION.toString())) {
          headers.remove(name);
        }
      }
    }
  }
}
