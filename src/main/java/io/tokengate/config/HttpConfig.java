package io.tokengate.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The public HTTP listener and its limits. In prod mode a wildcard address needs TLS or
 * {@code behind_proxy: true} (a TLS-terminating proxy in front); dev mode binds loopback addresses
 * only. {@code trustedProxies}: addresses or CIDR ranges (IPv4, IPv6) whose {@code X-Forwarded-For}
 * is believed. {@code shutdownTimeout}: how long a stopping gateway lets in-flight requests finish.
 * {@code allowedHosts}: the {@code Host} values served (host, optional {@code :port}; empty = any).
 * {@code transport}: Netty's I/O transport ({@code auto}: the fastest native one that loads, else NIO).
 */
public record HttpConfig(
    String host,
    int port,
    int instances,
    int maxBodySize,
    List<String> trustedProxies,
    int maxHeaderSize,
    Duration idleTimeout,
    Duration headerTimeout,
    Duration requestTimeout,
    int maxConnections,
    boolean behindProxy,
    Duration shutdownTimeout,
    TlsConfig tls,
    List<String> allowedHosts,
    TransportKind transport) {

  private static final java.util.regex.Pattern HOST_ENTRY =
      java.util.regex.Pattern.compile("([A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\])(:[0-9]{1,5})?");

  /** {@code http.transport}: which Netty transport the event loops use. */
  public enum TransportKind {
    AUTO, NIO, EPOLL, IO_URING;

    /** The name in the configuration and in metrics: {@code auto, nio, epoll, io_uring}. */
    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** PEM certificate chain and key; both empty = plain HTTP. */
  public record TlsConfig(String certFile, String keyFile) {

    public boolean enabled() {
      return !certFile.isEmpty();
    }
  }

  /** Dev mode signs with a public key and seeds a demo user: it listens where only this machine can reach it. */
  static void requireLoopbackInDev(ConfigReader in, String host, Mode mode) {
    if (mode.isDev() && !IpRange.isLoopback(host)) {
      throw new ConfigException(in.key("host"), "dev mode listens on loopback only (127.0.0.1, ::1, localhost), not "
          + host + "; use mode: prod to serve other machines");
    }
  }

  static HttpConfig fromJson(ConfigReader in, Mode mode) {
    in.onlyKeys(Set.of("host", "port", "instances", "max_body_size", "trusted_proxies", "max_header_size",
        "idle_timeout", "header_timeout", "request_timeout", "max_connections", "behind_proxy", "shutdown_timeout", "tls",
        "allowed_hosts", "transport"));
    String host = in.string("host", "");
    if (host.isEmpty()) {
      host = mode.isDev() ? "127.0.0.1" : "0.0.0.0";
    }
    ConfigReader tlsIn = in.section("tls").onlyKeys(Set.of("cert_file", "key_file"));
    TlsConfig tls = new TlsConfig(tlsIn.string("cert_file", ""), tlsIn.string("key_file", ""));
    if (tls.certFile().isEmpty() != tls.keyFile().isEmpty()) {
      throw new ConfigException(tlsIn.key(tls.certFile().isEmpty() ? "cert_file" : "key_file"),
          "required when http.tls." + (tls.certFile().isEmpty() ? "key_file" : "cert_file") + " is set");
    }
    requireLoopbackInDev(in, host, mode);
    List<String> trustedProxies = in.strings("trusted_proxies", List.of());
    for (int i = 0; i < trustedProxies.size(); i++) {
      if (IpRange.parse(trustedProxies.get(i)) == null) {
        throw new ConfigException(in.key("trusted_proxies") + "[" + i + "]", "not an IP address or CIDR range: \""
            + trustedProxies.get(i) + "\" (e.g. 10.0.0.7, 10.0.0.0/8, fd00::/8)");
      }
    }
    boolean behindProxy = in.bool("behind_proxy", false);
    boolean wildcard = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    if (!mode.isDev() && wildcard && !tls.enabled() && !behindProxy) {
      throw new ConfigException(in.key("host"), "binding " + host + " in prod mode needs TLS (http.tls.cert_file and "
          + "http.tls.key_file) or http.behind_proxy: true when a TLS-terminating proxy is in front");
    }
    return new HttpConfig(
        host,
        in.integer("port", 8000, 0, 65535),
        in.integer("instances", 0, 0, 256),
        in.integer("max_body_size", 16 * 1024, 1024, 16 * 1024 * 1024),
        trustedProxies,
        in.integer("max_header_size", 8192, 1024, 1024 * 1024),
        in.duration("idle_timeout", Duration.ofSeconds(60), Duration.ofSeconds(1)),
        in.duration("header_timeout", Duration.ofSeconds(10), Duration.ofMillis(100)),
        in.duration("request_timeout", Duration.ofSeconds(30), Duration.ofMillis(100)),
        in.integer("max_connections", 10_000, 1, 1_000_000),
        behindProxy,
        in.duration("shutdown_timeout", Duration.ofSeconds(30), Duration.ZERO),
        tls,
        allowedHosts(in),
        in.choice("transport", TransportKind.class, TransportKind.AUTO));
  }

  private static List<String> allowedHosts(ConfigReader in) {
    List<String> hosts = in.strings("allowed_hosts", List.of());
    for (String host : hosts) {
      if (!HOST_ENTRY.matcher(host).matches()) {
        throw new ConfigException(in.key("allowed_hosts"), "not a host name with an optional port: \"" + host + "\"");
      }
    }
    return List.copyOf(hosts);
  }
}
