package io.tokengate.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

/**
 * Vert.x's HTTP/1.x request decoder, except that a request with both {@code Transfer-Encoding:
 * chunked} and {@code Content-Length} is a decoding failure (then the server's invalid-request
 * handler answers 400 and closes the connection) instead of having its length silently dropped:
 * a proxy in front that framed it by the length would disagree with us about where it ends
 * (RFC 9112 6.3). Installed per connection by {@link #install}, in place of Vert.x's own, before
 * any byte is decoded. Uses Vert.x internals ({@code http.impl}); runs on the connection's event loop.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

  private static final String NAME = "httpDecoder";

  StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    super.handleTransferEncodingChunkedWithContentLength(message);
    message.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("both Transfer-Encoding and Content-Length")));
  }

  /** Replaces the HTTP/1.x decoder of a new {@code connection}; false when there is none to replace (HTTP/2) or it has begun. */
  static boolean install(HttpConnection connection, HttpServerOptions options) {
    if (!(connection instanceof HttpServerConnection internal)) {
      return false;
    }
    ChannelPipeline pipeline = internal.channelHandlerContext().pipeline();
    ChannelHandler current = pipeline.get(NAME);
    // the connection handler runs as the decoder is added, before any byte reached it
    if (!(current instanceof VertxHttpRequestDecoder) || current instanceof StrictRequestDecoder) {
      return false;
    }
    pipeline.replace(NAME, NAME, new StrictRequestDecoder(options));
    return true;
  }
}
