package io.tokengate.server;

import io.tokengate.config.HttpConfig.TransportKind;
import io.vertx.core.Vertx;
import io.vertx.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Turns {@code http.transport} into the Netty transport Vert.x is built with. {@code auto} takes
 * the first native transport of {@link #AUTO_ORDER} that loads; a forced one is used if it loads.
 * When it cannot load (not Linux, no native library for this CPU, io_uring refused by the kernel
 * or a seccomp filter) the gateway uses NIO and says why in one log line. Start-up only.
 */
public final class TransportSelector {

  private static final Logger LOG = LoggerFactory.getLogger(TransportSelector.class);

  /**
   * What {@code auto} tries before NIO, in order: io_uring used 15-20% less CPU per proxied request
   * than epoll here (bench/results/transports.txt); where the kernel or a seccomp filter refuses
   * it, epoll. (On Netty 4.2.9 a 128 MB body streamed both ways failed on io_uring; on the pinned
   * 4.2.18 the whole suite passes on it, ProxyStreamingTest included.)
   */
  public static final List<TransportKind> AUTO_ORDER = List.of(TransportKind.IO_URING, TransportKind.EPOLL);

  private final Function<TransportKind, Transport> candidates;

  /** Vert.x's own transports ({@code null} when the Netty jar is not on the class path). */
  public TransportSelector() {
    this(kind -> switch (kind) {
      case EPOLL -> Transport.EPOLL;
      case IO_URING -> Transport.IO_URING;
      case NIO, AUTO -> Transport.NIO;
    });
  }

  /** {@code candidates}: the transport for each native kind, null when absent (tests). */
  public TransportSelector(Function<TransportKind, Transport> candidates) {
    this.candidates = candidates;
  }

  /** The transport to build Vert.x with: always one that is available. */
  public Transport select(TransportKind requested) {
    if (requested == TransportKind.NIO) {
      return Transport.NIO;
    }
    List<TransportKind> tried = requested == TransportKind.AUTO ? AUTO_ORDER : List.of(requested);
    List<String> reasons = new ArrayList<>();
    for (TransportKind kind : tried) {
      Transport transport = candidates.apply(kind);
      if (transport != null && transport.available()) {
        return transport;
      }
      reasons.add(kind.configName() + ": " + reason(transport));
    }
    if (requested == TransportKind.AUTO) {
      LOG.info("Using the nio transport: no native transport loads ({})", String.join("; ", reasons));
    } else {
      LOG.warn("http.transport {} cannot be used here, using nio instead ({})", requested.configName(), String.join("; ", reasons));
    }
    return Transport.NIO;
  }

  /**
   * The name ({@code nio, epoll, io_uring}) of the transport {@code vertx} runs on, built with
   * {@code selected}: a native one only if Vert.x reports native transport enabled.
   */
  public static String inUse(Vertx vertx, Transport selected) {
    return selected == Transport.NIO || !vertx.isNativeTransportEnabled() ? Transport.NIO.name() : selected.name();
  }

  private static String reason(Transport transport) {
    if (transport == null) {
      return "its Netty jar is not on the class path";
    }
    Throwable cause = transport.unavailabilityCause();
    while (cause != null && cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    return cause == null ? "not available" : cause.toString();
  }
}
