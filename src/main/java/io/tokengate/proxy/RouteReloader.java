package io.tokengate.proxy;

import io.tokengate.config.ConfigException;
import io.tokengate.config.ConfigSource;
import io.tokengate.config.GatewayConfig;
import io.tokengate.config.RouteConfig;
import io.tokengate.ops.GatewayMetrics;
import io.tokengate.ops.GatewayMetrics.RouteReload;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Hot reload of the {@code routes} section. A reload reads the configuration again from the
 * sources the gateway started from ({@link ConfigSource}: defaults, {@code --config} file,
 * environment) and validates all of it. Invalid: one WARN line naming the key, and the routes in
 * service stay. Valid with new routes: demo routes get the running demo upstream, then every HTTP
 * verticle swaps to a router built with them ({@code publish}). Changes outside {@code routes} are
 * never applied: one WARN line names them as needing a restart.
 *
 * <p>Triggers: {@link #reload} (SIGHUP, tests) and a check of the watched files' content every
 * {@code routes_reload.interval}. Reloads run one at a time, in order, on the reloader's own
 * context; {@link #reload} may be called from any thread.
 */
public final class RouteReloader {

  private static final Logger LOG = LoggerFactory.getLogger(RouteReloader.class);

  /** What one reload did: its outcome, a one-line detail, and the changed keys that need a restart. */
  public record Result(RouteReload outcome, String detail, List<String> restartNeeded) {
  }

  private final Vertx vertx;
  private final Context context;
  private final ConfigSource source;
  private final JsonObject startedWith;
  private final GatewayConfig serving;
  private final DemoUpstream demo;
  private final Function<GatewayConfig, Future<Void>> publish;
  private final GatewayMetrics metrics;
  // Written by one reload at a time (reloads are chained); volatile because chained steps may
  // complete on another verticle's event loop.
  private volatile List<RouteConfig> routes;
  private volatile Map<Path, String> fingerprint;
  private volatile boolean checking;
  private Future<Result> last = Future.succeededFuture();
  private long timer = -1;

  /**
   * @param startedWith the merged JSON the gateway was started from (its non-route keys are the baseline for "needs a restart")
   * @param fingerprint the watched files' fingerprint taken before {@code startedWith} was read
   * @param serving the configuration in service (database and demo routes resolved)
   * @param configuredRoutes the routes as configured, before the demo upstream was resolved
   */
  public RouteReloader(Vertx vertx, ConfigSource source, JsonObject startedWith, Map<Path, String> fingerprint,
      GatewayConfig serving, List<RouteConfig> configuredRoutes, DemoUpstream demo,
      Function<GatewayConfig, Future<Void>> publish, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.source = source;
    this.startedWith = startedWith.copy();
    this.fingerprint = Map.copyOf(fingerprint);
    this.serving = serving;
    this.routes = List.copyOf(configuredRoutes);
    this.demo = demo;
    this.publish = publish;
    this.metrics = metrics;
  }

  /** Starts watching the configuration files (every {@code routes_reload.interval}). */
  public void start() {
    long interval = Math.max(1, serving.routesReload().interval().toMillis());
    context.runOnContext(v -> timer = vertx.setPeriodic(interval, id -> check()));
  }

  /** Stops watching; a reload in progress still completes. */
  public void stop() {
    context.runOnContext(v -> vertx.cancelTimer(timer));
  }

  /** Reads, validates and applies the routes now; {@code trigger} says why (for the log). Never fails: a refusal is a {@link Result}. */
  public Future<Result> reload(String trigger) {
    Promise<Result> result = Promise.promise();
    context.runOnContext(v -> {
      last = last.transform(ignored -> reloadNow(trigger));
      last.onComplete(result);
    });
    return result.future();
  }

  private void check() {
    if (checking) {
      return;
    }
    checking = true;
    vertx.executeBlocking(source::fingerprint, false)
        .compose(seen -> seen.equals(fingerprint) ? Future.succeededFuture() : reload("configuration file changed"))
        .onComplete(done -> checking = false);
  }

  private Future<Result> reloadNow(String trigger) {
    return vertx.executeBlocking(source::fingerprint, false)
        .compose(seen -> {
          fingerprint = seen;
          return source.read(vertx);
        })
        .compose(json -> apply(trigger, json))
        .recover(e -> {
          String problem = e instanceof ConfigException ? e.getMessage() : e.toString();
          LOG.warn("Routes not reloaded ({}); the current routes stay: {}", trigger, problem);
          return Future.succeededFuture(new Result(RouteReload.REFUSED, problem, List.of()));
        })
        .onSuccess(result -> metrics.routeReload(result.outcome()));
  }

  private Future<Result> apply(String trigger, JsonObject json) {
    GatewayConfig next = GatewayConfig.fromJson(json.copy());
    List<String> restartNeeded = new ArrayList<>();
    differences("", startedWith, json, restartNeeded);
    if (!restartNeeded.isEmpty()) {
      LOG.warn("Configuration changed outside routes, not applied until a restart: {}", String.join(", ", restartNeeded));
    }
    if (next.routes().equals(routes)) {
      LOG.info("Routes unchanged ({})", trigger);
      return Future.succeededFuture(new Result(RouteReload.UNCHANGED, "routes unchanged", restartNeeded));
    }
    String names = String.join(", ", next.routes().stream().map(route -> route.name() + " " + route.path()).toList());
    return demo.resolve(serving.withRoutes(next.routes()))
        .compose(publish)
        .map(v -> {
          routes = next.routes();
          LOG.info("Routes reloaded ({}): {}", trigger, names.isEmpty() ? "none" : names);
          return new Result(RouteReload.APPLIED, next.routes().size() + " routes: " + names, restartNeeded);
        });
  }

  /** The key paths (never the values: they may be secrets) whose values differ, {@code routes} left out. */
  static void differences(String prefix, Object before, Object after, List<String> into) {
    if (before instanceof JsonObject was && after instanceof JsonObject is) {
      TreeSet<String> names = new TreeSet<>(was.fieldNames());
      names.addAll(is.fieldNames());
      for (String name : names) {
        if (prefix.isEmpty() && name.equals("routes")) {
          continue;
        }
        differences(prefix.isEmpty() ? name : prefix + "." + name, was.getValue(name), is.getValue(name), into);
      }
    } else if (!Objects.equals(before, after)) {
      into.add(prefix);
    }
  }
}
