package io.tokengate.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.util.List;
import java.util.Set;

/**
 * The client's address: the socket peer, unless that peer is a trusted proxy
 * ({@code http.trusted_proxies}), in which case the right-most {@code X-Forwarded-For} entry that
 * is not itself a trusted proxy. A client can therefore never choose its own address.
 */
public final class ClientAddress {

  private final Set<String> trusted;

  public ClientAddress(List<String> trustedProxies) {
    this.trusted = Set.copyOf(trustedProxies);
  }

  public String of(HttpServerRequest request) {
    SocketAddress peer = request.remoteAddress();
    String address = peer == null || peer.hostAddress() == null ? "unknown" : peer.hostAddress();
    if (!trusted.contains(address)) {
      return address;
    }
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded == null) {
      return address;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trusted.contains(hop)) {
        return hop;
      }
    }
    return address;
  }
}
