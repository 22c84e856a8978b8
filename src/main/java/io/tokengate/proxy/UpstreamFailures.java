package io.tokengate.proxy;

import io.tokengate.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeoutException;

/**
 * The outermost interceptor: an upstream that cannot be reached or does not answer in time becomes
 * a JSON answer instead of the proxy's empty 502: {@code 504 upstream_timeout} for a timeout,
 * {@code 502 upstream_unavailable} for anything else before the upstream's response began.
 * (A failure after the response began can only reset the connection.) Runs on the event loop.
 */
final class UpstreamFailures implements ProxyInterceptor {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamFailures.class);

  static final ApiException BAD_GATEWAY = new ApiException(502,
      new JsonObject().put("detail", "Bad gateway").put("code", "upstream_unavailable"));
  static final ApiException GATEWAY_TIMEOUT = new ApiException(504,
      new JsonObject().put("detail", "Gateway timeout").put("code", "upstream_timeout"));

  private final String route;

  UpstreamFailures(String route) {
    this.route = route;
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    return context.sendRequest().recover(failure -> {
      ApiException answer = isTimeout(failure) ? GATEWAY_TIMEOUT : BAD_GATEWAY;
      LOG.warn("Route {}: {} {} answered {}: {}", route, context.request().getMethod(),
          context.request().proxiedRequest().path(), answer.status(), failure.toString());
      ProxyResponse response = context.request().release().response()
          .setStatusCode(answer.status())
          .setBody(Body.body(Buffer.buffer(answer.body().encode()), MediaType.APPLICATION_JSON));
      return Future.succeededFuture(response);
    });
  }

  static boolean isTimeout(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof TimeoutException || e instanceof io.netty.channel.ConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }
}
