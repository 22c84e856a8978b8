package io.tokengate.db;

import io.tokengate.config.DatabaseConfig;
import io.tokengate.config.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.concurrent.TimeUnit;

/** Translates {@link DatabaseConfig} into vertx-pg-client options: the one shared, named pool. */
public final class Pools {

  public static final String NAME = "tokengate-pg";

  private Pools() {
  }

  public static Pool create(Vertx vertx, DatabaseConfig config) {
    PoolOptions pool = new PoolOptions()
        .setMaxSize(config.poolSize())
        .setShared(true)
        .setName(NAME)
        .setConnectionTimeout((int) config.connectTimeout().toMillis())
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxWaitQueueSize(1024);
    NetClientOptions net = new NetClientOptions().setConnectTimeout((int) config.connectTimeout().toMillis()).setTcpNoDelay(true);
    return PgBuilder.pool().with(pool).with(net).connectingTo(connectOptions(config)).using(vertx).build();
  }

  /** Where and as whom to connect (also used by the LISTEN connection of the revocation feed). */
  public static PgConnectOptions connectOptions(DatabaseConfig config) {
    DatabaseUrl url = config.url();
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(url.host())
        .setPort(url.port())
        .setDatabase(url.database())
        .setUser(url.user())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(64);
    if (url.password() != null) {
      connect.setPassword(url.password());
    }
    return connect;
  }
}
