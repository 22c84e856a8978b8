package io.tokengate.proxy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tokengate.server.Gateway;
import io.tokengate.config.ConfigException;
import io.tokengate.config.ConfigSource;
import io.tokengate.config.GatewayConfig;
import io.tokengate.ops.GatewayMetrics.RouteReload;
import io.tokengate.support.Closing;
import io.tokengate.support.ChildGateway;
import io.tokengate.support.Eventually;
import io.tokengate.support.HttpTestClient;
import io.tokengate.support.Steps;
import io.tokengate.support.TestDatabase;
import io.tokengate.support.TestGateway;
import io.tokengate.support.UpstreamServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A reload through {@link Gateway#reloadRoutes()} is awaited through its future; one the file watch
 * starts announces itself by no callback, so the tests poll its counter ({@link Eventually}).
 */
@DisplayName("Route reload on a running gateway: file watch and SIGHUP path, in-flight requests, refused files")
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RouteReloadTest {

  private static final String WATCH_OFTEN = "PT0.2S";
  /** The file check never comes within a test: only {@link Gateway#reloadRoutes()} reloads. */
  private static final String WATCH_NEVER = "PT1H";

  private static TestDatabase database;
  private static UpstreamServer one;
  private static UpstreamServer two;
  private static UpstreamServer three;
  private static UpstreamServer slow;
  private static Vertx clientVertx;
  private static WebClient freshConnections;

  @TempDir
  Path dir;
  private Path file;
  private Gateway gateway;
  private HttpTestClient http;
  private ListAppender<ILoggingEvent> log;

  @BeforeAll
  static void startUpstreams(Vertx vertx) {
    database = TestDatabase.create();
    one = UpstreamServer.json("one");
    two = UpstreamServer.json("two");
    three = UpstreamServer.json("three");
    // long enough that the reload (file read, validation, two routers built) is surely done first, even on a busy machine
    slow = UpstreamServer.delayedJson("slow", 2500);
    clientVertx = vertx;
    // a new connection per request: the gateway spreads connections over its event loops, so
    // several requests reach every HTTP verticle, each with a router of its own
    freshConnections = WebClient.create(clientVertx, new WebClientOptions().setKeepAlive(false).setDefaultHost("127.0.0.1"));
  }

  @AfterAll
  static void stopUpstreams() {
    for (UpstreamServer upstream : new UpstreamServer[] {one, two, three, slow}) {
      upstream.close();
    }
    database.close();
  }

  @AfterEach
  void stopGateway() {
    if (log != null) {
      ((Logger) LoggerFactory.getLogger(RouteReloader.class)).detachAppender(log);
    }
    Closing.all(http, gateway);
  }

  /** The test gateway's settings as a --config file would hold them (JSON is YAML), checking the files every {@code interval}. */
  private static JsonObject settings(String interval, JsonObject... routes) {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 2))
        .put("database", new JsonObject().put("pool_size", 2))
        .put("users", new JsonObject().put("password_iterations", 1000).put("hashing_threads", 1))
        .put("jwt", new JsonObject().put("signing_key", TestGateway.SIGNING_KEY))
        .put("management", new JsonObject().put("port", 0))
        .put("routes_reload", new JsonObject().put("interval", interval))
        .put("routes", new JsonArray(List.of((Object[]) routes)));
  }

  private static JsonObject route(String name, String path, UpstreamServer upstream) {
    return new JsonObject().put("name", name).put("path", path).put("upstream", upstream.url()).put("auth", "none");
  }

  /** Starts a gateway from a real file, the database URL coming from the environment (as in production). */
  private void start(JsonObject settings) {
    file = dir.resolve("gateway.yaml");
    write(settings.encodePrettily());
    gateway = Gateway.start(new ConfigSource(file, Map.of("TOKENGATE_DATABASE_URL", database.url().toUrlWithPassword())));
    http = new HttpTestClient(clientVertx, gateway.port());
    Logger logger = (Logger) LoggerFactory.getLogger(RouteReloader.class);
    log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
  }

  /** Replaces the file in one step, as an editor or a config-map update does: the watcher never sees half a file. */
  private void write(String content) {
    try {
      Path next = dir.resolve("gateway.yaml.next");
      Files.writeString(next, content, StandardCharsets.UTF_8);
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> warnings() {
    return log.list.stream().filter(event -> event.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
  }

  private double reloads(RouteReload outcome) {
    return gateway.metrics().registry().get("tokengate.route.reloads").tag("outcome", outcome.name().toLowerCase()).counter().count();
  }

  private Future<String> upstreamOf(String path) {
    return http.send(HttpMethod.GET, path).map(response -> {
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      return response.bodyAsJsonObject().getString("upstream");
    });
  }

  /** Every one of {@code count} requests, each on a new connection, is answered by {@code upstream}. */
  private Future<Void> onlyFrom(String path, int count, String upstream) {
    List<String> upstreams = new ArrayList<>();
    return Steps.times(count, i -> freshConnections.get(gateway.port(), "127.0.0.1", path).send().map(response -> upstreams.add(
            response.statusCode() == 200 ? response.bodyAsJsonObject().getString("upstream") : "status " + response.statusCode())))
        .map(v -> {
          assertThat(upstreams).as(path).containsOnly(upstream);
          return null;
        });
  }

  /** The file watch has counted {@code count} reloads of {@code outcome} (it reports them by no callback). */
  private Future<Void> counted(RouteReload outcome, int count) {
    return Eventually.holds(clientVertx, Duration.ofSeconds(10), count + " reload(s) " + outcome, () -> reloads(outcome) == count);
  }

  @Test
  @DisplayName("a rewritten config file adds a route and moves another to a new upstream within seconds, without a restart")
  void fileWatch(VertxTestContext ctx) {
    start(settings(WATCH_OFTEN, route("a", "/api/a/", one)));
    int port = gateway.port();
    Steps.inOrder(
        () -> upstreamOf("/api/a/x").map(upstream -> assertThat(upstream).isEqualTo("one")),
        () -> http.send(HttpMethod.GET, "/api/b/x").map(response -> assertThat(response.statusCode()).isEqualTo(404)),
        () -> {
          write(settings(WATCH_OFTEN, route("a", "/api/a/", three), route("b", "/api/b/", two)).encodePrettily());
          return counted(RouteReload.APPLIED, 1);
        },
        () -> onlyFrom("/api/a/x", 6, "three"),
        () -> onlyFrom("/api/b/x", 6, "two"),
        () -> upstreamOf("/api/a/kept-alive").map(upstream -> {
          assertThat(upstream).isEqualTo("three");
          assertThat(gateway.port()).isEqualTo(port);
          assertThat(warnings()).isEmpty();
          assertThat(log.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
              .isEqualTo("Routes reloaded (configuration file changed): a /api/a/, b /api/b/"));
          return upstream;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a request in flight during a reload completes with 200 from the old upstream; the next one takes the new route")
  void inFlight(VertxTestContext ctx) {
    start(settings(WATCH_NEVER, route("a", "/api/a/", slow)));
    slow.clear();
    Future<HttpResponse<Buffer>> inFlight = freshConnections.get(gateway.port(), "127.0.0.1", "/api/a/slow").send();
    Steps.inOrder(
        // the slow upstream reports a received request by no callback
        () -> Eventually.holds(clientVertx, Duration.ofSeconds(5), "the slow upstream to receive the request", () -> !slow.seen().isEmpty()),
        () -> {
          write(settings(WATCH_NEVER, route("a", "/api/a/", three)).encodePrettily());
          return gateway.reloadRoutes().map(result -> {
            assertThat(result.outcome()).isEqualTo(RouteReload.APPLIED);
            return assertThat(inFlight.isComplete()).as("the slow request is still in flight after the reload").isFalse();
          });
        },
        () -> onlyFrom("/api/a/new", 4, "three"),
        () -> inFlight.map(answer -> {
          assertThat(answer.statusCode()).isEqualTo(200);
          assertThat(answer.bodyAsJsonObject().getString("upstream")).isEqualTo("slow");
          return assertThat(slow.seen()).hasSize(1);
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("the replaced routes' upstream connections are closed after http.shutdown_timeout, not left to idle out")
  void oldConnectionsClosed(VertxTestContext ctx) {
    JsonObject settings = settings(WATCH_NEVER, route("a", "/api/a/", one));
    settings.getJsonObject("http").put("shutdown_timeout", "PT0.5S");
    start(settings);
    Steps.inOrder(
        () -> onlyFrom("/api/a/x", 4, "one")
            .map(v -> assertThat(activeConnections(one)).as("keep-alive connections to the upstream").isPositive()),
        () -> {
          write(settings.copy().put("routes", new JsonArray().add(route("a", "/api/a/", two))).encodePrettily());
          return gateway.reloadRoutes().map(result -> assertThat(result.outcome()).isEqualTo(RouteReload.APPLIED));
        },
        () -> onlyFrom("/api/a/x", 4, "two"),
        // the upstream server counts its connections; their closing is announced by no callback
        () -> Eventually.holds(clientVertx, Duration.ofSeconds(10), "the old upstream connections to close", () -> activeConnections(one) == 0)
            .map(v -> assertThat(activeConnections(two)).isPositive()))
        .onComplete(ctx.succeedingThenComplete());
  }

  private double activeConnections(UpstreamServer upstream) {
    return upstream.openConnections();
  }

  @Test
  @DisplayName("an invalid file (unknown key, bad URL, duplicate name, broken YAML) is refused with one WARN naming the key; the old routes keep serving")
  void invalidFilesRefused(VertxTestContext ctx) {
    start(settings(WATCH_OFTEN, route("a", "/api/a/", one)));
    String valid = settings(WATCH_OFTEN, route("a", "/api/a/", one)).encodePrettily();
    Map<String, String> invalid = new LinkedHashMap<>();
    invalid.put(settings(WATCH_OFTEN, route("a", "/api/a/", two).put("upstreams", two.url())).encodePrettily(),
        "routes[0].upstreams: unknown key");
    invalid.put(settings(WATCH_OFTEN, route("a", "/api/a/", two).put("upstream", "ftp://127.0.0.1:21")).encodePrettily(),
        "routes[0].upstream: not an upstream URL");
    invalid.put(settings(WATCH_OFTEN, route("a", "/api/a/", two), route("a", "/api/other/", three)).encodePrettily(),
        "routes[1].name: duplicate route name \"a\"");
    invalid.put(valid.replace("\"routes\" : [", "\"routes\" : [ [ ["), file.toString() + ": cannot be read");
    List<Map.Entry<String, String>> broken = new ArrayList<>(invalid.entrySet());

    Steps.inOrder(
        () -> Steps.times(broken.size(), i -> {
          write(broken.get(i).getKey());
          int expected = i + 1;
          return counted(RouteReload.REFUSED, expected).compose(v -> {
            assertThat(warnings()).hasSize(expected);
            assertThat(warnings().get(expected - 1)).startsWith("Routes not reloaded (configuration file changed); the current routes stay: ")
                .contains(broken.get(i).getValue());
            return onlyFrom("/api/a/x", 4, "one");
          });
        }),
        () -> {
          assertThat(reloads(RouteReload.APPLIED)).isZero();
          // the watch goes on: a corrected file is applied
          write(settings(WATCH_OFTEN, route("a", "/api/a/", two)).encodePrettily());
          return counted(RouteReload.APPLIED, 1);
        },
        () -> onlyFrom("/api/a/x", 4, "two").map(v -> assertThat(warnings()).hasSize(invalid.size())))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("reloadRoutes() (the SIGHUP path) applies new routes at once; a change outside routes is reported as needing a restart and not applied")
  void reloadNowAndRestartNeeded(VertxTestContext ctx) {
    start(settings(WATCH_NEVER, route("a", "/api/a/", one)));
    JsonObject changed = settings(WATCH_NEVER, route("a", "/api/a/", one), route("b", "/api/b/", two));
    changed.getJsonObject("jwt").put("access_token_lifetime", "PT10M");
    write(changed.encodePrettily());

    Steps.inOrder(
        () -> gateway.reloadRoutes().map(applied -> {
          assertThat(applied.outcome()).isEqualTo(RouteReload.APPLIED);
          return assertThat(applied.restartNeeded()).containsExactly("jwt.access_token_lifetime");
        }),
        () -> onlyFrom("/api/b/x", 4, "two"),
        () -> onlyFrom("/api/a/x", 4, "one"),
        () -> http.loginAsync("demo", "demo-password").map(pair -> {
          JsonObject access = payload(pair.getString("access"));
          assertThat(access.getLong("exp") - access.getLong("iat")).as("access token lifetime in seconds").isEqualTo(300);
          return assertThat(warnings()).containsExactly("Configuration changed outside routes, not applied until a restart: jwt.access_token_lifetime");
        }),
        () -> gateway.reloadRoutes().map(again -> {
          assertThat(again.outcome()).isEqualTo(RouteReload.UNCHANGED);
          assertThat(again.restartNeeded()).containsExactly("jwt.access_token_lifetime");
          assertThat(reloads(RouteReload.APPLIED)).isEqualTo(1);
          return assertThat(reloads(RouteReload.UNCHANGED)).isEqualTo(1);
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a demo route added by a reload reuses the running demo upstream instead of starting another")
  void demoUpstreamReused(VertxTestContext ctx) {
    start(settings(WATCH_NEVER, new JsonObject().put("name", "hello").put("path", "/api/hello/").put("upstream", "demo").put("auth", "none")));
    int deployments = gateway.vertx().deploymentIDs().size();
    write(settings(WATCH_NEVER,
        new JsonObject().put("name", "hello").put("path", "/api/hello/").put("upstream", "demo").put("auth", "none"),
        new JsonObject().put("name", "hello2").put("path", "/api/hello2/").put("upstream", "demo").put("auth", "none")).encodePrettily());
    List<String> paths = List.of("/api/hello/x", "/api/hello2/x");

    Steps.inOrder(
        () -> gateway.reloadRoutes().map(result -> assertThat(result.outcome()).isEqualTo(RouteReload.APPLIED)),
        () -> Steps.times(paths.size(), i -> http.send(HttpMethod.GET, paths.get(i)).map(response -> {
          assertThat(response.statusCode()).as(paths.get(i)).isEqualTo(200);
          return assertThat(response.bodyAsJsonObject().getString("message")).isEqualTo("Hello from the demo upstream");
        })).map(v -> assertThat(gateway.vertx().deploymentIDs()).hasSize(deployments)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("routes_reload.enabled: false turns reloading off; routes_reload.interval is validated at start")
  void settingsValidated(VertxTestContext ctx) {
    start(settings(WATCH_NEVER, route("a", "/api/a/", one)).put("routes_reload", new JsonObject().put("enabled", false)));
    JsonObject tooOften = TestGateway.baseConfig(database).put("routes_reload", new JsonObject().put("interval", "PT0.01S"));
    assertThatThrownBy(() -> GatewayConfig.fromJson(tooOften)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("routes_reload.interval: must be at least");
    assertThatThrownBy(() -> GatewayConfig.fromJson(TestGateway.baseConfig(database)
        .put("routes_reload", new JsonObject().put("enable", true)))).hasMessageStartingWith("routes_reload.enable: unknown key");
    gateway.reloadRoutes().onComplete(ctx.failing(e -> ctx.verify(() -> {
      assertThat(e).hasMessageContaining("routes_reload.enabled: false");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("SIGHUP to a running `tokengate serve` reloads its routes and the process keeps running")
  void sighup(VertxTestContext ctx) throws Exception {
    JsonObject settings = TestGateway.baseConfig(database)
        .put("routes_reload", new JsonObject().put("interval", WATCH_NEVER))
        .put("routes", new JsonArray().add(route("a", "/api/a/", one)));
    ChildGateway child = ChildGateway.start(settings, "256m", dir);
    HttpTestClient childHttp = new HttpTestClient(clientVertx, child.port());
    Steps.inOrder(
        () -> childHttp.send(HttpMethod.GET, "/api/b/x").map(response -> assertThat(response.statusCode()).isEqualTo(404)),
        () -> {
          file = dir.resolve("child-gateway.yaml");
          write(settings.copy().put("routes", new JsonArray().add(route("a", "/api/a/", one)).add(route("b", "/api/b/", two))).encodePrettily());
          return clientVertx.executeBlocking(() -> new ProcessBuilder("kill", "-HUP", Long.toString(child.pid())).inheritIO().start().waitFor())
              .map(exit -> assertThat(exit).isZero());
        },
        // the child process reports the reload by no callback: ask it until route b answers
        () -> Eventually.poll(clientVertx, Duration.ofSeconds(15), "route b after SIGHUP",
            () -> childHttp.send(HttpMethod.GET, "/api/b/x").map(response -> response.statusCode() == 200)),
        () -> childHttp.send(HttpMethod.GET, "/api/b/x").map(response -> {
          assertThat(response.bodyAsJsonObject().getString("upstream")).isEqualTo("two");
          assertThat(child.isAlive()).isTrue();
          return assertThat(child.output()).anySatisfy(line -> assertThat(line).contains("Routes reloaded (reload requested): a /api/a/, b /api/b/"));
        }))
        .eventually(() -> {
          childHttp.close();
          return clientVertx.executeBlocking(() -> {
            child.close();
            return null;
          });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  private static JsonObject payload(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }
}
