package io.tokengate.support;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * An HTTP client for tests, talking to one gateway over real HTTP. The {@code send}/{@code sendJson}
 * methods return futures (for {@code VertxTestContext} tests); the others block and are for the
 * JUnit thread only. Built on a {@link Vertx} of its own, or on the test's (then not closed here).
 */
public final class HttpTestClient implements AutoCloseable {

  private final Vertx vertx;
  private final boolean ownVertx;
  private final WebClient client;

  public HttpTestClient(int port) {
    this(Vertx.vertx(), port, new PoolOptions().getHttp1MaxSize(), true);
  }

  /** With up to {@code connections} parallel HTTP/1.1 connections: {@link #client()} requests sent together run in parallel. */
  public HttpTestClient(int port, int connections) {
    this(Vertx.vertx(), port, connections, true);
  }

  /** A client on the test's {@code vertx} (e.g. the one {@code VertxExtension} injects). */
  public HttpTestClient(Vertx vertx, int port) {
    this(vertx, port, new PoolOptions().getHttp1MaxSize(), false);
  }

  private HttpTestClient(Vertx vertx, int port, int connections, boolean ownVertx) {
    this.vertx = vertx;
    this.ownVertx = ownVertx;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(port).setFollowRedirects(false), new PoolOptions().setHttp1MaxSize(connections));
  }

  /** {@code method path} with header name/value pairs, e.g. {@code send(GET, "/x", "Authorization", "Bearer t")}. */
  public Future<HttpResponse<Buffer>> send(HttpMethod method, String path, String... headers) {
    return withHeaders(client.request(method, path), headers).send();
  }

  /** A JSON body posted to {@code path}, with header name/value pairs. */
  public Future<HttpResponse<Buffer>> sendJson(String path, JsonObject body, String... headers) {
    return withHeaders(client.post(path), headers).sendJsonObject(body);
  }

  private static HttpRequest<Buffer> withHeaders(HttpRequest<Buffer> request, String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return request;
  }

  public HttpResponse<Buffer> postJson(String path, JsonObject body) {
    return sendJson(path, body).await();
  }

  public HttpResponse<Buffer> postRaw(String path, String contentType, String body) {
    var request = client.post(path);
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    return request.sendBuffer(Buffer.buffer(body)).await();
  }

  public HttpResponse<Buffer> postForm(String path, MultiMap form) {
    return client.post(path).sendForm(form).await();
  }

  public HttpResponse<Buffer> request(HttpMethod method, String path) {
    return send(method, path).await();
  }

  public HttpResponse<Buffer> get(String path, String bearer) {
    return (bearer == null ? send(HttpMethod.GET, path) : send(HttpMethod.GET, path, "Authorization", "Bearer " + bearer)).await();
  }

  public WebClient client() {
    return client;
  }

  /** Logs in: {@code {refresh, access}}; fails unless the answer is 200. */
  public Future<JsonObject> loginAsync(String username, String password) {
    return sendJson("/api/token/", new JsonObject().put("username", username).put("password", password)).map(response -> {
      if (response.statusCode() != 200) {
        throw new AssertionError("login failed: " + response.statusCode() + " " + response.bodyAsString());
      }
      return response.bodyAsJsonObject();
    });
  }

  /** Logs in and returns {@code {refresh, access}}; fails the test unless the answer is 200. */
  public JsonObject login(String username, String password) {
    return loginAsync(username, password).await();
  }

  @Override
  public void close() {
    if (ownVertx) {
      vertx.close().await();
    } else {
      client.close();
    }
  }
}
