package io.tokengate.server;

import io.tokengate.config.HttpConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

import java.util.concurrent.TimeUnit;

/** The one place where {@link HttpConfig} becomes Vert.x server options. */
public final class ServerOptionsFactory {

  private ServerOptionsFactory() {
  }

  public static HttpServerOptions create(HttpConfig config, int port) {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(port)
        .setCompressionSupported(true)
        .setTcpNoDelay(true)
        // No h2c: its detection buffers a request head until it is complete, hiding a slow head
        // from the header timeout, and Vert.x 5.0.x h2c + compression sends later responses marked
        // gzip but plain (eclipse-vertx/vert.x#5896). HTTP/2 is offered over TLS (ALPN) instead.
        .setHttp2ClearTextEnabled(false)
        .setMaxHeaderSize(config.maxHeaderSize())
        .setMaxFormAttributeSize(config.maxBodySize())
        .setMaxInitialLineLength(Math.min(config.maxHeaderSize(), 8192))
        .setIdleTimeout((int) config.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    if (config.tls().enabled()) {
      options.setSsl(true)
          .setUseAlpn(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tls().certFile()).setKeyPath(config.tls().keyFile()));
    }
    return options;
  }
}
