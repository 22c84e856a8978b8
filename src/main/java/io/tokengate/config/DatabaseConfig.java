package io.tokengate.config;

import java.time.Duration;
import java.util.Set;

/**
 * Where the users and tokens live. An empty {@link #url()} means "start an embedded PostgreSQL"
 * (dev mode only).
 */
public record DatabaseConfig(
    DatabaseUrl url,
    int poolSize,
    Duration connectTimeout,
    Duration startupRetry,
    boolean manageSchema,
    String embeddedDir) {

  static DatabaseConfig fromJson(ConfigReader in, Mode mode) {
    in.onlyKeys(Set.of("url", "pool_size", "connect_timeout", "startup_retry", "manage_schema", "embedded_dir"));
    String url = in.string("url", "");
    if (url.isEmpty() && !mode.isDev()) {
      throw new ConfigException(in.key("url"), "required in prod mode (postgresql://user:pass@host:port/db)");
    }
    return new DatabaseConfig(
        url.isEmpty() ? null : DatabaseUrl.parse(in.key("url"), url),
        in.integer("pool_size", 8, 1, 512),
        in.duration("connect_timeout", Duration.ofSeconds(5), Duration.ofMillis(100)),
        in.duration("startup_retry", Duration.ofSeconds(30), Duration.ZERO),
        in.bool("manage_schema", true),
        in.string("embedded_dir", "data/postgres"));
  }

  public boolean embedded() {
    return url == null;
  }

  public DatabaseConfig withUrl(DatabaseUrl newUrl) {
    return new DatabaseConfig(newUrl, poolSize, connectTimeout, startupRetry, manageSchema, embeddedDir);
  }
}
