package io.tokengate.support;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** A blocking HTTP client for tests (JUnit thread only), talking to one gateway over real HTTP. */
public final class HttpTestClient implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final WebClient client;

  public HttpTestClient(int port) {
    this(port, new PoolOptions().getHttp1MaxSize());
  }

  /** With up to {@code connections} parallel HTTP/1.1 connections: {@link #client()} requests sent together run in parallel. */
  public HttpTestClient(int port, int connections) {
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(port).setFollowRedirects(false), new PoolOptions().setHttp1MaxSize(connections));
  }

  public HttpResponse<Buffer> postJson(String path, JsonObject body) {
    return client.post(path).sendJsonObject(body).await();
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
    return client.request(method, path).send().await();
  }

  public HttpResponse<Buffer> get(String path, String bearer) {
    var request = client.get(path);
    if (bearer != null) {
      request.putHeader("Authorization", "Bearer " + bearer);
    }
    return request.send().await();
  }

  public WebClient client() {
    return client;
  }

  /** Logs in and returns {@code {refresh, access}}; fails the test unless the answer is 200. */
  public JsonObject login(String username, String password) {
    HttpResponse<Buffer> response = postJson("/api/token/", new JsonObject().put("username", username).put("password", password));
    if (response.statusCode() != 200) {
      throw new AssertionError("login failed: " + response.statusCode() + " " + response.bodyAsString());
    }
    return response.bodyAsJsonObject();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
