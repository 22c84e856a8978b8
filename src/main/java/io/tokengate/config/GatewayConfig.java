package io.tokengate.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole configuration, validated. Built once at start-up by {@link ConfigLoader}; immutable.
 */
public record GatewayConfig(
    Mode mode,
    HttpConfig http,
    DatabaseConfig database,
    UsersConfig users,
    JwtConfig jwt,
    ThrottleConfig throttle,
    List<RouteConfig> routes,
    WebConfig web,
    ManagementConfig management,
    LoggingConfig logging,
    HousekeepingConfig housekeeping,
    RoutesReloadConfig routesReload) {

  public static GatewayConfig fromJson(JsonObject json) {
    ConfigReader root = new ConfigReader("", json).onlyKeys(Set.of("mode", "http", "database", "users", "jwt",
        "login_throttle", "routes", "web", "management", "logging", "housekeeping",
        "routes_reload"));
    Mode mode = root.choice("mode", Mode.class, Mode.DEV);
    return new GatewayConfig(
        mode,
        HttpConfig.fromJson(root.section("http"), mode),
        DatabaseConfig.fromJson(root.section("database"), mode),
        UsersConfig.fromJson(root.section("users")),
        JwtConfig.fromJson(root.section("jwt"), mode),
        ThrottleConfig.fromJson(root.section("login_throttle")),
        routes(root.array("routes")),
        WebConfig.fromJson(root.section("web")),
        ManagementConfig.fromJson(root.section("management")),
        LoggingConfig.fromJson(root.section("logging"), mode),
        HousekeepingConfig.fromJson(root.section("housekeeping")),
        RoutesReloadConfig.fromJson(root.section("routes_reload")));
  }

  private static List<RouteConfig> routes(JsonArray array) {
    List<RouteConfig> routes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> paths = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      String key = "routes[" + i + "]";
      if (!(item instanceof JsonObject)) {
        throw new ConfigException(key, "must be a mapping with name, path and upstream");
      }
      RouteConfig route = RouteConfig.fromJson(new ConfigReader(key, (JsonObject) item));
      if (!names.add(route.name())) {
        throw new ConfigException(key + ".name", "duplicate route name \"" + route.name() + "\"");
      }
      if (!paths.add(route.path())) {
        throw new ConfigException(key + ".path", "duplicate route path \"" + route.path() + "\"");
      }
      routes.add(route);
    }
    return List.copyOf(routes);
  }

  public GatewayConfig withRoutes(List<RouteConfig> newRoutes) {
    return new GatewayConfig(mode, http, database, users, jwt, throttle, List.copyOf(newRoutes), web, management, logging, housekeeping, routesReload);
  }

  public GatewayConfig withJwt(JwtConfig newJwt) {
    return new GatewayConfig(mode, http, database, users, newJwt, throttle, routes, web, management, logging, housekeeping, routesReload);
  }

  public GatewayConfig withDatabase(DatabaseConfig newDatabase) {
    return new GatewayConfig(mode, http, newDatabase, users, jwt, throttle, routes, web, management, logging, housekeeping, routesReload);
  }
}
