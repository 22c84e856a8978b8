package io.tokengate.server;

import java.util.List;
import java.util.Locale;

/**
 * {@code http.allowed_hosts}: the {@code Host} values the gateway serves. Empty allows any. An
 * entry is a host name or address, optionally with a port; without a port it allows any port.
 * Compared case-insensitively. Immutable; any thread.
 */
public final class AllowedHosts {

  private final List<String> entries;

  public AllowedHosts(List<String> entries) {
    this.entries = entries.stream().map(e -> e.toLowerCase(Locale.ROOT)).toList();
  }

  public boolean any() {
    return entries.isEmpty();
  }

  /** Whether a request with this {@code Host} header (null: none) may be served. */
  public boolean allows(String host) {
    if (entries.isEmpty()) {
      return true;
    }
    if (host == null) {
      return false;
    }
    String value = host.strip().toLowerCase(Locale.ROOT);
    int colon = value.lastIndexOf(':');
    String name = colon > value.lastIndexOf(']') ? value.substring(0, colon) : value;
    for (String entry : entries) {
      if (entry.equals(value) || entry.equals(name)) {
        return true;
      }
    }
    return false;
  }
}
