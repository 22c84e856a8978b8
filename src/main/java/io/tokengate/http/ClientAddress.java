package io.tokengate.http;

import io.tokengate.config.IpRange;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * The client's address: the socket peer, unless that peer is a trusted proxy
 * ({@code http.trusted_proxies}: addresses or CIDR ranges, IPv4 and IPv6), in which case the
 * {@code X-Forwarded-For} hops are read right to left (every header line, in order, each a comma
 * list) and the first hop that is not a trusted proxy is the client. Each trusted proxy appends the
 * address it saw, so a client can never choose its own address, whether it sends a forged value
 * in its own header line or in the list. Thread-safe.
 */
public final class ClientAddress {

  private final List<IpRange> trusted;

  public ClientAddress(List<String> trustedProxies) {
    List<IpRange> ranges = new ArrayList<>();
    for (String proxy : trustedProxies) {
      IpRange range = IpRange.parse(proxy);
      if (range == null) {
        throw new IllegalArgumentException("not an IP address or CIDR range: " + proxy);
      }
      ranges.add(range);
    }
    this.trusted = List.copyOf(ranges);
  }

  public String of(HttpServerRequest request) {
    SocketAddress peer = request.remoteAddress();
    String address = peer == null || peer.hostAddress() == null ? "unknown" : peer.hostAddress();
    if (!isTrusted(address)) {
      return address;
    }
    List<String> lines = request.headers().getAll("X-Forwarded-For");
    String leftmost = address;
    for (int line = lines.size() - 1; line >= 0; line--) {
      String[] hops = lines.get(line).split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        String hop = hops[i].trim();
        if (hop.isEmpty()) {
          continue;
        }
        if (!isTrusted(hop)) {
          return hop;
        }
        leftmost = hop;
      }
    }
    // every hop is a trusted proxy: the first of them received the request
    return leftmost;
  }

  private boolean isTrusted(String address) {
    for (IpRange range : trusted) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
