package io.tokengate.config;

import java.util.Set;

/** The users table and password hashing. */
public record UsersConfig(
    String table,
    int passwordIterations,
    int hashingThreads,
    String demoUsername,
    String demoPassword) {

  static UsersConfig fromJson(ConfigReader in) {
    in.onlyKeys(Set.of("table", "password_iterations", "hashing_threads", "demo_username", "demo_password"));
    String table = in.string("table", "auth_user");
    if (!table.matches("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?")) {
      throw new ConfigException(in.key("table"), "not a plain SQL table name: \"" + table + "\"");
    }
    return new UsersConfig(
        table,
        in.integer("password_iterations", 600_000, 1, 100_000_000),
        in.integer("hashing_threads", 2, 1, 256),
        in.string("demo_username", "demo"),
        in.string("demo_password", "demo-password"));
  }

  @Override
  public String toString() {
    return "UsersConfig[table=" + table + ", passwordIterations=" + passwordIterations
        + ", hashingThreads=" + hashingThreads + ", demoUsername=" + demoUsername + ", demoPassword=***]";
  }
}
