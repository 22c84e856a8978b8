package io.tokengate.proxy;

import io.netty.handler.codec.DecoderResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpFrame;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.StreamPriority;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * An in-memory GET request for driving a {@code Router} without a socket: headers, path and a
 * response that records its status and runs its end handlers. Only what the routing and auth
 * handlers touch is implemented; a body, uploads, cookies and upgrades are not. One per
 * benchmark invocation (a router may add headers to it).
 */
final class FakeRequest extends HttpServerRequestInternal {

  private static final SocketAddress PEER = SocketAddress.inetSocketAddress(40000, "127.0.0.1");
  private static final SocketAddress LOCAL = SocketAddress.inetSocketAddress(8000, "127.0.0.1");
  private static final HostAndPort AUTHORITY = HostAndPort.create("127.0.0.1", 8000);

  private final ContextInternal context;
  private final String path;
  private final MultiMap headers = HttpHeaders.headers();
  private final FakeResponse response = new FakeResponse();
  private final HttpConnection connection;

  FakeRequest(ContextInternal context, String path, String authorization) {
    this.context = context;
    this.path = path;
    headers.set(HttpHeaders.HOST, "127.0.0.1:8000");
    if (authorization != null) {
      headers.set(HttpHeaders.AUTHORIZATION, authorization);
    }
    this.connection = (HttpConnection) Proxy.newProxyInstance(HttpConnection.class.getClassLoader(),
        new Class<?>[] {HttpConnection.class}, (proxy, method, args) -> switch (method.getName()) {
          case "remoteAddress" -> PEER;
          case "localAddress" -> LOCAL;
          case "isSsl" -> false;
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> null;
        });
  }

  /** The status the router answered with, or 0 if it never ended the response. */
  int status() {
    return response.ended() ? response.statusCode() : 0;
  }

  @Override public ContextInternal context() { return context; }
  @Override public Object metric() { return null; }
  @Override public HttpServerRequest exceptionHandler(Handler<Throwable> handler) { return this; }
  @Override public HttpServerRequest handler(Handler<Buffer> handler) { return this; }
  @Override public HttpServerRequest pause() { return this; }
  @Override public HttpServerRequest resume() { return this; }
  @Override public HttpServerRequest fetch(long amount) { return this; }
  @Override public HttpServerRequest endHandler(Handler<Void> handler) { return this; }
  @Override public HttpVersion version() { return HttpVersion.HTTP_1_1; }
  @Override public HttpMethod method() { return HttpMethod.GET; }
  @Override public String scheme() { return "http"; }
  @Override public HostAndPort authority() { return AUTHORITY; }
  @Override public HostAndPort authority(boolean real) { return AUTHORITY; }
  @Override public String uri() { return path; }
  @Override public String path() { return path; }
  @Override public String query() { return null; }
  @Override public MultiMap headers() { return headers; }
  @Override public long bytesRead() { return 0; }
  @Override public HttpServerResponse response() { return response.proxy(); }
  @Override public HttpServerRequest setParamsCharset(String charset) { return this; }
  @Override public String getParamsCharset() { return "UTF-8"; }
  @Override public MultiMap params(boolean semicolonIsNormalChar) { return MultiMap.caseInsensitiveMultiMap(); }
  @Override public String absoluteURI() { return "http://127.0.0.1:8000" + path; }
  @Override public Future<Buffer> body() { return Future.succeededFuture(Buffer.buffer()); }
  @Override public Future<Void> end() { return Future.succeededFuture(); }
  @Override public Future<NetSocket> toNetSocket() { return Future.failedFuture("not supported"); }
  @Override public HttpServerRequest setExpectMultipart(boolean expect) { return this; }
  @Override public boolean isExpectMultipart() { return false; }
  @Override public HttpServerRequest uploadHandler(Handler<HttpServerFileUpload> handler) { return this; }
  @Override public MultiMap formAttributes() { return MultiMap.caseInsensitiveMultiMap(); }
  @Override public String getFormAttribute(String name) { return null; }
  @Override public Future<ServerWebSocket> toWebSocket() { return Future.failedFuture("not supported"); }
  @Override public boolean isEnded() { return true; }
  @Override public HttpServerRequest customFrameHandler(Handler<HttpFrame> handler) { return this; }
  @Override public HttpConnection connection() { return connection; }
  @Override public HttpServerRequest streamPriorityHandler(Handler<StreamPriority> handler) { return this; }
  @Override public DecoderResult decoderResult() { return DecoderResult.SUCCESS; }
  @Override public Cookie getCookie(String name) { return null; }
  @Override public Cookie getCookie(String name, String domain, String path) { return null; }
  @Override public Set<Cookie> cookies(String name) { return Set.of(); }
  @Override public Set<Cookie> cookies() { return Set.of(); }
}
