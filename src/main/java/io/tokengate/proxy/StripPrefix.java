package io.tokengate.proxy;

import io.vertx.core.Future;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/**
 * {@code strip_prefix: true}: the upstream sees the path below the route's prefix, always starting
 * with {@code /} ({@code /api/orders/42?x=1} -> {@code /42?x=1}). Runs on the event loop.
 */
final class StripPrefix implements ProxyInterceptor {

  private final String prefix;

  StripPrefix(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    ProxyRequest request = context.request();
    request.setURI(strip(request.getURI()));
    return context.sendRequest();
  }

  String strip(String uri) {
    if (!uri.startsWith(prefix)) {
      return uri;
    }
    String rest = uri.substring(prefix.length());
    return rest.startsWith("/") ? rest : "/" + rest;
  }
}
