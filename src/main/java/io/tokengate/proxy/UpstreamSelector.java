package io.tokengate.proxy;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Picks the upstream of each proxied request: round-robin, skipping one that recently refused a
 * connection ({@link UpstreamHealth}), and trying the next one when a connection cannot be made
 * (nothing has been sent yet, so that is always safe). Each request gets the route's timeout as
 * connect timeout and as idle timeout (no byte from the upstream for that long fails it; not for
 * WebSockets, which may be quiet), and the upstream's address as {@code Host}. Runs on the event
 * loop of its route's verticle.
 */
final class UpstreamSelector implements OriginRequestProvider {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamSelector.class);

  private final String route;
  private final List<URI> upstreams;
  private final UpstreamHealth health;
  private final long timeoutMillis;

  UpstreamSelector(String route, List<URI> upstreams, Duration timeout, UpstreamHealth health) {
    if (upstreams.isEmpty()) {
      throw new IllegalArgumentException("route " + route + " has no upstream");
    }
    this.route = route;
    this.upstreams = List.copyOf(upstreams);
    this.health = health;
    this.timeoutMillis = Math.max(1, timeout.toMillis());
  }

  @Override
  public Future<HttpClientRequest> create(ProxyContext context) {
    return attempt(context, health.nextOrder(), 0);
  }

  private Future<HttpClientRequest> attempt(ProxyContext context, List<Integer> order, int position) {
    int index = order.get(position);
    URI upstream = upstreams.get(index);
    boolean tls = "https".equals(upstream.getScheme());
    int port = upstream.getPort() != -1 ? upstream.getPort() : tls ? 443 : 80;
    RequestOptions options = new RequestOptions()
        .setServer(SocketAddress.inetSocketAddress(port, upstream.getHost()))
        .setSsl(tls)
        .setConnectTimeout(timeoutMillis);
    if (!context.isWebSocket()) {
      options.setIdleTimeout(timeoutMillis);
    }
    // the upstream's own name in Host (and for TLS); the client's one travels in X-Forwarded-Host
    context.request().setAuthority(HostAndPort.create(upstream.getHost(), port));
    return context.client().request(options)
        .onSuccess(request -> {
          health.markUp(index);
          if (context.isWebSocket()) {
            // the proxy tunnels the upgraded connection without watching it: its end is not an error
            request.exceptionHandler(e -> LOG.debug("Route {}: WebSocket tunnel to {} ended: {}", route, upstream, e.toString()));
          }
        })
        .recover(failure -> {
          if (!(failure instanceof ConnectException)) {
            return Future.failedFuture(failure);
          }
          boolean wasDown = health.isDown(index);
          health.markDown(index);
          if (!wasDown) {
            LOG.warn("Route {}: upstream {} could not be reached; trying it last for {}s ({})", route, upstream,
                UpstreamHealth.DEFAULT_DOWN_FOR.toSeconds(), failure.getClass().getSimpleName());
          }
          return position + 1 < order.size() ? attempt(context, order, position + 1) : Future.failedFuture(failure);
        });
  }
}
