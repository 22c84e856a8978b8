package io.tokengate.server;

import io.tokengate.auth.HousekeepingVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokengate.auth.DjangoPasswordHasher;
import io.tokengate.auth.LoginVerticle;
import io.tokengate.config.ConfigSource;
import io.tokengate.config.GatewayConfig;
import io.tokengate.config.JwtConfig;
import io.tokengate.db.DatabaseBootstrap;
import io.tokengate.db.EmbeddedDatabase;
import io.tokengate.db.Pools;
import io.tokengate.db.StartupException;
import io.tokengate.ops.GatewayMetrics;
import io.tokengate.ops.AccessLogAppender;
import io.tokengate.ops.LogFormat;
import io.tokengate.ops.Operations;
import io.tokengate.proxy.DemoUpstream;
import io.tokengate.proxy.RouteReloader;
import io.tokengate.revocation.RevocationFeed;
import io.tokengate.revocation.Revocations;
import io.tokengate.users.UserRepository;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.transport.Transport;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The composition root: from a validated configuration to a serving gateway. Starts the embedded
 * database when none is configured, prepares and migrates the database (JDBC, start-up only),
 * builds the one shared pg pool and deploys the verticles. {@link #start} and {@link #close}
 * block: call them from {@code main}, a shutdown hook or a test thread, never from an event loop.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final Pool pool;
  private final EmbeddedDatabase embedded;
  private final GatewayConfig config;
  private final Revocations revocations;
  private final Http http;
  private final GatewayMetrics metrics;
  private final Operations ops;
  private final RouteReloader reloader;
  private final String transport;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The public HTTP verticles' deployment, the port they share, and the verticles (to give them new routes). */
  private record Http(String deploymentId, int port, List<HttpVerticle> verticles) {

    Future<Void> useRoutes(GatewayConfig next) {
      return Future.all(verticles.stream().map(verticle -> verticle.useRoutes(next)).toList()).mapEmpty();
    }
  }

  /** The sources a gateway was started from, kept for route reloads. */
  private record Origin(ConfigSource source, JsonObject json, Map<Path, String> fingerprint) {
  }

  private Gateway(Vertx vertx, Pool pool, EmbeddedDatabase embedded, GatewayConfig config, Revocations revocations,
      Http http, GatewayMetrics metrics, Operations ops, RouteReloader reloader, String transport) {
    this.vertx = vertx;
    this.pool = pool;
    this.embedded = embedded;
    this.config = config;
    this.revocations = revocations;
    this.http = http;
    this.metrics = metrics;
    this.ops = ops;
    this.reloader = reloader;
    this.transport = transport;
  }

  /**
   * Starts from an already validated configuration. Its routes cannot be reloaded (there is no
   * file to read them from again): {@link #reloadRoutes} fails.
   */
  public static Gateway start(GatewayConfig requested) {
    return start(requested, null);
  }

  /**
   * Reads the configuration from {@code source}, starts, and keeps {@code source} for route
   * reloads: on {@link #reloadRoutes} (SIGHUP) and, unless {@code routes_reload.enabled} is false,
   * when a watched file changes.
   */
  public static Gateway start(ConfigSource source) {
    // Fingerprint first: a file changed while it is being read is seen as changed by the first check.
    Map<Path, String> fingerprint = source.fingerprint();
    JsonObject json = source.readBlocking();
    return start(GatewayConfig.fromJson(json.copy()), new Origin(source, json, fingerprint));
  }

  private static Gateway start(GatewayConfig requested, Origin origin) {
    LogFormat.apply(requested.logging());
    // The database (JDBC, Flyway; an embedded server) is made ready on its own thread while Vert.x
    // starts: start-up is mostly class loading, and the two halves load different classes.
    CompletableFuture<Database> opening = CompletableFuture.supplyAsync(() -> Database.open(requested));
    PrometheusMeterRegistry registry = GatewayMetrics.newRegistry();
    Vertx vertx;
    Transport transport = new TransportSelector().select(requested.http().transport());
    try {
      vertx = GatewayMetrics.newVertx(registry, new VertxOptions(), requested.management().requestMetrics(), transport);
    } catch (RuntimeException e) {
      opening.thenAccept(Database::close);
      throw e;
    }
    GatewayMetrics metrics = new GatewayMetrics(registry, requested.management().requestMetrics());
    String transportName = TransportSelector.inUse(vertx, transport);
    metrics.transport(transportName);
    Database database;
    try {
      database = opening.join();
    } catch (CompletionException e) {
      vertx.close().await();
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    GatewayConfig config = database.config();
    try {
      Pool pool = Pools.create(vertx, config.database());
      Operations ops = Operations.deploy(vertx, config, pool, metrics);
      vertx.deployVerticle(new HousekeepingVerticle(config.housekeeping(), pool)).await();
      DjangoPasswordHasher hasher = new DjangoPasswordHasher(config.users().passwordIterations());
      if (config.mode().isDev()) {
        seedDemoUser(config, pool, hasher);
      }
      Revocations revocations = new Revocations(config.jwt().userIdClaim());
      new RevocationFeed(vertx, pool, Pools.connectOptions(config.database()), revocations).start().await();
      vertx.deployVerticle(() -> new LoginVerticle(config, pool, hasher, revocations, metrics),
          new DeploymentOptions().setInstances(1)).await();
      DemoUpstream demo = new DemoUpstream(vertx);
      GatewayConfig serving = demo.resolve(config).await();
      Http http = deployHttp(vertx, serving, pool, revocations, metrics);
      RouteReloader reloader = null;
      if (origin != null && config.routesReload().enabled()) {
        reloader = new RouteReloader(vertx, origin.source(), origin.json(), origin.fingerprint(), serving, config.routes(),
            demo, http::useRoutes, metrics);
        reloader.start();
      }
      ops.readiness().serving();
      // warm the hashing code once serving, on a worker: the first login need not pay for the JIT,
      // and start-up does not share the CPU with a password hash (it slowed start-up by ~2x on 2 cores)
      vertx.executeBlocking(() -> {
        hasher.warmUp();
        return null;
      }, false);
      LOG.info("tokengate listening on http://{}:{} ({} mode, database {}); management on http://{}:{}; transport {}",
          config.http().host(), http.port(), config.mode().name().toLowerCase(), config.database().url(),
          config.management().host(), ops.managementPort(), transportName);
      return new Gateway(vertx, pool, database.embedded(), config, revocations, http, metrics, ops, reloader, transportName);
    } catch (RuntimeException e) {
      vertx.close().await();
      database.close();
      throw e;
    }
  }

  private static Http deployHttp(Vertx vertx, GatewayConfig config, Pool pool, Revocations revocations, GatewayMetrics metrics) {
    int instances = config.http().instances() > 0 ? config.http().instances() : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    Set<Integer> bound = ConcurrentHashMap.newKeySet();
    AtomicInteger openConnections = new AtomicInteger();
    // A negative port asks Vert.x for one random port shared by every instance (0 would give each its own).
    int port = config.http().port() == 0 ? -1 : config.http().port();
    List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
    String deploymentId;
    try {
      deploymentId = vertx.deployVerticle(() -> {
        HttpVerticle verticle = new HttpVerticle(config, pool, revocations, openConnections, metrics, port, bound::add);
        verticles.add(verticle);
        return verticle;
      }, new DeploymentOptions().setInstances(instances)).await();
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
    return new Http(deploymentId, bound.iterator().next(), List.copyOf(verticles));
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
    return http.port();
  }

  /**
   * Reloads the {@code routes} section now (what SIGHUP does): re-reads the configuration sources,
   * refuses an invalid configuration (one WARN line, current routes stay), applies new routes to
   * every HTTP verticle before the future completes, and reports other changed keys as needing a
   * restart. Fails when this gateway was not started from a {@link ConfigSource} or
   * {@code routes_reload.enabled} is false. Any thread.
   */
  public Future<RouteReloader.Result> reloadRoutes() {
    if (reloader == null) {
      return Future.failedFuture(new IllegalStateException(config.routesReload().enabled()
          ? "routes cannot be reloaded: this gateway was not started from configuration files"
          : "routes reload is off (routes_reload.enabled: false)"));
    }
    return reloader.reload("reload requested");
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  /** The Netty transport the event loops run on: {@code nio}, {@code epoll} or {@code io_uring}. */
  public String transport() {
    return transport;
  }

  public int managementPort() {
    return ops.managementPort();
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  /** The configuration as started; its {@code routes} are not updated by {@link #reloadRoutes}. */
  public GatewayConfig config() {
    return config;
  }

  /** This process's view of revoked access tokens (for tests and the protected routes). */
  public Revocations revocations() {
    return revocations;
  }

  /**
   * Graceful stop, in order: readiness turns 503, the public listener stops accepting and lets
   * in-flight requests finish (up to {@code http.shutdown_timeout}), then the other verticles,
   * the pool and the management port close, then the embedded database stops. Blocking;
   * idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      ops.readiness().stopping();
      if (reloader != null) {
        reloader.stop();
      }
      LOG.info("Stopping: letting in-flight requests finish (up to {})", config.http().shutdownTimeout());
      try {
        vertx.undeploy(http.deploymentId()).await();
      } catch (Exception e) { // await() may rethrow a checked exception as it is
        LOG.warn("The public listener did not stop cleanly: {}", e.toString());
      }
      vertx.close().await();
      metrics.registry().close();
      // every request has ended: their access-log lines are written before close() returns (and the JVM exits)
      AccessLogAppender.flushQueued(Duration.ofSeconds(5));
      LOG.info("tokengate stopped");
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
        return new Database(withSimplejwtBlacklist(config, bootstrap), embedded);
      } catch (RuntimeException e) {
        if (embedded != null) {
          embedded.close();
        }
        throw e;
      }
    }

    /** Resolves {@code jwt.simplejwt_blacklist: auto} by looking at the database; {@code on} without the tables stops start-up. */
    private static GatewayConfig withSimplejwtBlacklist(GatewayConfig config, DatabaseBootstrap bootstrap) {
      JwtConfig.SimpleJwtBlacklist setting = config.jwt().simplejwtBlacklist();
      if (setting == JwtConfig.SimpleJwtBlacklist.OFF) {
        return config;
      }
      boolean present = bootstrap.hasSimplejwtBlacklist();
      if (setting == JwtConfig.SimpleJwtBlacklist.ON && !present) {
        throw new StartupException("jwt.simplejwt_blacklist: on, but the database has no token_blacklist_outstandingtoken"
            + " and token_blacklist_blacklistedtoken tables (run Django's migrate with rest_framework_simplejwt.token_blacklist"
            + " installed, or set it to auto or off)");
      }
      if (present) {
        LOG.info("Sharing Simple JWT's blacklist tables (token_blacklist_outstandingtoken, token_blacklist_blacklistedtoken)");
      }
      return config.withJwt(config.jwt().withSimplejwtBlacklist(
          present ? JwtConfig.SimpleJwtBlacklist.ON : JwtConfig.SimpleJwtBlacklist.OFF));
    }

    @Override
    public void close() {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
