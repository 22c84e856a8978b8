package io.tokengate;

import io.tokengate.auth.DjangoPasswordHasher;
import io.tokengate.auth.LoginVerticle;
import io.tokengate.config.GatewayConfig;
import io.tokengate.db.DatabaseBootstrap;
import io.tokengate.db.EmbeddedDatabase;
import io.tokengate.db.Pools;
import io.tokengate.db.StartupException;
import io.tokengate.http.HttpVerticle;
import io.tokengate.proxy.DemoUpstream;
import io.tokengate.revocation.RevocationFeed;
import io.tokengate.revocation.Revocations;
import io.tokengate.users.UserRepository;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The composition root: from a validated configuration to a serving gateway. Starts the embedded
 * database when none is configured, prepares and migrates the database (JDBC, start-up only),
 * builds the one shared pg pool and deploys the verticles. {@link #start} blocks: call it from
 * {@code main} or a test thread, never from an event loop.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final Pool pool;
  private final EmbeddedDatabase embedded;
  private final GatewayConfig config;
  private final Revocations revocations;
  private final int port;

  private Gateway(Vertx vertx, Pool pool, EmbeddedDatabase embedded, GatewayConfig config, Revocations revocations, int port) {
    this.vertx = vertx;
    this.pool = pool;
    this.embedded = embedded;
    this.config = config;
    this.revocations = revocations;
    this.port = port;
  }

  public static Gateway start(GatewayConfig requested) {
    Database database = Database.open(requested);
    GatewayConfig config = database.config();
    Vertx vertx = Vertx.vertx(new VertxOptions());
    try {
      Pool pool = Pools.create(vertx, config.database());
      DjangoPasswordHasher hasher = new DjangoPasswordHasher(config.users().passwordIterations());
      if (config.mode().isDev()) {
        seedDemoUser(config, pool, hasher);
      }
      Revocations revocations = new Revocations(config.jwt().userIdClaim());
      new RevocationFeed(vertx, pool, Pools.connectOptions(config.database()), revocations).start().await();
      vertx.deployVerticle(() -> new LoginVerticle(config, pool, hasher, revocations), new DeploymentOptions().setInstances(1)).await();
      int port = deployHttp(vertx, DemoUpstream.attach(vertx, config).await(), pool, revocations);
      LOG.info("tokengate listening on http://{}:{} ({} mode, database {})", config.http().host(), port,
          config.mode().name().toLowerCase(), config.database().url());
      return new Gateway(vertx, pool, database.embedded(), config, revocations, port);
    } catch (RuntimeException e) {
      vertx.close().await();
      database.close();
      throw e;
    }
  }

  private static int deployHttp(Vertx vertx, GatewayConfig config, Pool pool, Revocations revocations) {
    int instances = config.http().instances() > 0 ? config.http().instances() : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    Set<Integer> bound = ConcurrentHashMap.newKeySet();
    AtomicInteger openConnections = new AtomicInteger();
    // A negative port asks Vert.x for one random port shared by every instance (0 would give each its own).
    int port = config.http().port() == 0 ? -1 : config.http().port();
    try {
      vertx.deployVerticle(() -> new HttpVerticle(config, pool, revocations, openConnections, port, bound::add),
          new DeploymentOptions().setInstances(instances)).await();
    } catch (Exception e) {
      if (causedBy(e, BindException.class)) {
        throw new StartupException("Port " + config.http().port() + " on " + config.http().host()
            + " is already in use (change http.port / TOKENGATE_HTTP_PORT, or stop the other process)");
      }
      throw e;
    }
    if (bound.size() != 1) {
      throw new IllegalStateException("HTTP verticles bound different ports: " + bound);
    }
    return bound.iterator().next();
  }

  private static void seedDemoUser(GatewayConfig config, Pool pool, DjangoPasswordHasher hasher) {
    UserRepository users = new UserRepository(pool, config.users().table(), config.jwt().userIdField());
    String name = config.users().demoUsername();
    if (name.isEmpty() || users.findByUsername(name).await() != null) {
      return;
    }
    users.create(name, "demo@example.invalid", hasher.encode(config.users().demoPassword()), false, false).await();
    LOG.info("Dev mode: created demo user \"{}\" (password in users.demo_password)", name);
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t) || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }

  public int port() {
    return port;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  public GatewayConfig config() {
    return config;
  }

  /** This process's view of revoked access tokens (for tests and the protected routes). */
  public Revocations revocations() {
    return revocations;
  }

  /** Stops serving, closes the pool and, if it started one, the embedded database. Blocking. */
  @Override
  public void close() {
    try {
      vertx.close().await();
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /**
   * The database side of start-up: embedded server if needed, database created, schema migrated.
   * Shared by {@code serve} and the command-line tools.
   */
  public record Database(GatewayConfig config, EmbeddedDatabase embedded) implements AutoCloseable {

    public static Database open(GatewayConfig requested) {
      EmbeddedDatabase embedded = null;
      GatewayConfig config = requested;
      if (requested.database().embedded()) {
        embedded = EmbeddedDatabase.start(Path.of(requested.database().embeddedDir()), true);
        config = requested.withDatabase(requested.database().withUrl(embedded.url()));
      }
      try {
        DatabaseBootstrap bootstrap = new DatabaseBootstrap(config.database(), config.users().table(), config.jwt().userIdField());
        bootstrap.prepare();
        bootstrap.migrate();
        return new Database(config, embedded);
      } catch (RuntimeException e) {
        if (embedded != null) {
          embedded.close();
        }
        throw e;
      }
    }

    @Override
    public void close() {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
