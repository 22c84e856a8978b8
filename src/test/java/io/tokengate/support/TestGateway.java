package io.tokengate.support;

import io.tokengate.server.Gateway;
import io.tokengate.config.ConfigLoader;
import io.tokengate.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.function.Function;

/**
 * A real gateway for tests: the shipped defaults, then {@code overrides} merged on top, on a free
 * port, against a fresh {@link TestDatabase}. Fast password hashing unless the test says otherwise.
 */
public final class TestGateway implements AutoCloseable {

  public static final String SIGNING_KEY = "tokengate-test-signing-key-0123456789abcdef0123456789";

  private final TestDatabase database;
  private final Gateway gateway;

  private TestGateway(TestDatabase database, Gateway gateway) {
    this.database = database;
    this.gateway = gateway;
  }

  /** The defaults a test starts from: dev mode, port 0 (public and management), our test key, 1000 PBKDF2 iterations, no routes. */
  public static JsonObject baseConfig(TestDatabase database) {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 2)
            // -Dtokengate.test.transport=io_uring|epoll|nio runs the suite on another Netty transport
            .put("transport", System.getProperty("tokengate.test.transport", "auto")))
        .put("database", new JsonObject().put("url", database.url().toUrlWithPassword()).put("pool_size", 4))
        .put("users", new JsonObject().put("password_iterations", 1000).put("hashing_threads", 2))
        .put("jwt", new JsonObject().put("signing_key", SIGNING_KEY))
        .put("management", new JsonObject().put("port", 0))
        .put("routes", new io.vertx.core.json.JsonArray());
  }

  /** Starts a gateway on a new database; {@code overrides} are merged (deeply) over {@link #baseConfig}. */
  public static TestGateway start(JsonObject overrides) {
    TestDatabase database = TestDatabase.create();
    try {
      return new TestGateway(database, Gateway.start(config(baseConfig(database).mergeIn(overrides, true))));
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** Starts a gateway on a new database, with overrides that depend on it (e.g. its URL behind a relay). */
  public static TestGateway start(Function<TestDatabase, JsonObject> overrides) {
    TestDatabase database = TestDatabase.create();
    try {
      return new TestGateway(database, Gateway.start(config(baseConfig(database).mergeIn(overrides.apply(database), true))));
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** Starts a second gateway on the same database as this one. */
  public Gateway startSibling(JsonObject overrides) {
    return Gateway.start(config(baseConfig(database).mergeIn(overrides, true)));
  }

  /** The validated configuration: shipped defaults with {@code overrides} merged on top. */
  public static GatewayConfig config(JsonObject overrides) {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject defaults = new ConfigLoader(vertx).loadJson(null, Map.of()).await();
      return GatewayConfig.fromJson(defaults.mergeIn(overrides, true));
    } finally {
      vertx.close().await();
    }
  }

  public int port() {
    return gateway.port();
  }

  public Gateway gateway() {
    return gateway;
  }

  public TestDatabase database() {
    return database;
  }

  @Override
  public void close() {
    try {
      gateway.close();
    } finally {
      database.close();
    }
  }
}
