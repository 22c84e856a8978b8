package io.tokengate.proxy;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * The response half of {@link FakeRequest}: a {@link Proxy} over {@link HttpServerResponse} that
 * keeps the status and headers, returns itself from fluent setters, succeeds every write, and on
 * the first {@code end} marks the head and body written and runs the registered head/body/end
 * handlers. Anything else answers null/false/0.
 */
final class FakeResponse {

  private final MultiMap headers = HttpHeaders.headers();
  private final MultiMap trailers = HttpHeaders.headers();
  private final List<Handler<Void>> headersEnd = new ArrayList<>();
  private final List<Handler<Void>> bodyEnd = new ArrayList<>();
  private final List<Handler<Void>> end = new ArrayList<>();
  private final HttpServerResponse proxy;
  private int statusCode = 200;
  private String statusMessage = "OK";
  private boolean ended;

  FakeResponse() {
    proxy = (HttpServerResponse) Proxy.newProxyInstance(HttpServerResponse.class.getClassLoader(),
        new Class<?>[] {HttpServerResponse.class}, (self, method, args) -> invoke(self, method, args));
  }

  HttpServerResponse proxy() {
    return proxy;
  }

  boolean ended() {
    return ended;
  }

  int statusCode() {
    return statusCode;
  }

  @SuppressWarnings("unchecked")
  private Object invoke(Object self, Method method, Object[] args) {
    switch (method.getName()) {
      case "getStatusCode": return statusCode;
      case "setStatusCode": statusCode = (Integer) args[0]; return self;
      case "getStatusMessage": return statusMessage;
      case "setStatusMessage": statusMessage = (String) args[0]; return self;
      case "headers": return headers;
      case "trailers": return trailers;
      case "putHeader":
        headers.set(String.valueOf(args[0]), String.valueOf(args[1]));
        return self;
      case "ended":
      case "closed":
        return ended;
      case "headWritten": return ended;
      case "isChunked": return false;
      case "bytesWritten": return 0L;
      case "streamId": return 1;
      case "headersEndHandler": headersEnd.add((Handler<Void>) args[0]); return self;
      case "addHeadersEndHandler": headersEnd.add((Handler<Void>) args[0]); return 0;
      case "bodyEndHandler": bodyEnd.add((Handler<Void>) args[0]); return self;
      case "addBodyEndHandler": bodyEnd.add((Handler<Void>) args[0]); return 0;
      case "endHandler": end.add((Handler<Void>) args[0]); return self;
      case "end":
        if (!ended) {
          headersEnd.forEach(h -> h.handle(null));
          ended = true;
          bodyEnd.forEach(h -> h.handle(null));
          end.forEach(h -> h.handle(null));
        }
        return Future.succeededFuture();
      case "write":
      case "send":
      case "sendFile":
        return Future.succeededFuture();
      case "hashCode": return System.identityHashCode(self);
      case "equals": return self == args[0];
      case "toString": return "FakeResponse[" + statusCode + "]";
      default:
        Class<?> type = method.getReturnType();
        if (type.isInstance(self)) {
          return self;
        }
        if (type == boolean.class) {
          return false;
        }
        if (type == int.class) {
          return 0;
        }
        if (type == long.class) {
          return 0L;
        }
        if (type == Future.class) {
          return Future.succeededFuture();
        }
        return null;
    }
  }
}
