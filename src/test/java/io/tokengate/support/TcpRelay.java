package io.tokengate.support;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on 127.0.0.1 (port 0) in front of a real server, that a test can cut: {@link #cut()}
 * closes every relayed connection and closes new ones as soon as they arrive, {@link #blackhole()}
 * holds new ones without a word; {@link #restore()} relays again. The port stays bound throughout, so nothing else can take it. Blocking methods:
 * JUnit thread only.
 */
public final class TcpRelay implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private final NetServer server;
  private final NetClient client;
  private volatile boolean open = true;
  private volatile boolean blackhole;

  public TcpRelay(String targetHost, int targetPort) {
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(incoming -> {
      if (!open && !blackhole) {
        incoming.close();
        return;
      }
      incoming.pause();
      sockets.add(incoming);
      incoming.closeHandler(v -> sockets.remove(incoming));
      if (blackhole) {
        return;
      }
      client.connect(targetPort, targetHost).onComplete(connected -> {
        if (connected.failed() || !open || !sockets.contains(incoming)) {
          incoming.close();
          if (connected.succeeded()) {
            connected.result().close();
          }
          return;
        }
        NetSocket outgoing = connected.result();
        sockets.add(outgoing);
        incoming.closeHandler(v -> {
          sockets.remove(incoming);
          outgoing.close();
        });
        outgoing.closeHandler(v -> {
          sockets.remove(outgoing);
          incoming.close();
        });
        incoming.pipeTo(outgoing);
        outgoing.pipeTo(incoming);
      });
    });
    server.listen(0, "127.0.0.1").await();
  }

  public int port() {
    return server.actualPort();
  }

  /** Drops every connection now and refuses new ones until {@link #restore()}. */
  public void cut() {
    open = false;
    for (NetSocket socket : Set.copyOf(sockets)) {
      socket.close().await();
    }
  }

  /**
   * Drops every connection now, then accepts new ones but never answers: a server that hangs,
   * or packets lost on the way. Connection attempts can only end by timing out.
   */
  public void blackhole() {
    blackhole = true;
    cut();
  }

  /** Relays again; connections held by {@link #blackhole()} are dropped. */
  public void restore() {
    if (blackhole) {
      cut();
      blackhole = false;
    }
    open = true;
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
