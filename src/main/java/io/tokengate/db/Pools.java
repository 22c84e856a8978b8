package io.tokengate.db;

import io.tokengate.config.DatabaseConfig;
import io.tokengate.config.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
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

  /**
   * Where and as whom to connect, and how to check the server's certificate (also used by the
   * LISTEN connection of the revocation feed). {@code sslmode} as libpq: {@code prefer} and
   * {@code require} encrypt without checking the certificate, {@code verify-ca} checks it against
   * {@code sslrootcert}, {@code verify-full} also checks the host name.
   */
  public static PgConnectOptions connectOptions(DatabaseConfig config) {
    DatabaseUrl url = config.url();
    PgConnectOptions connect = PgConnectOptions.fromUri(url.vertxUri())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(64);
    ClientSSLOptions ssl = new ClientSSLOptions();
    switch (url.effectiveSslMode()) {
      case "verify-full" -> ssl.setTrustOptions(new PemTrustOptions().addCertPath(url.sslRootCert())).setHostnameVerificationAlgorithm("HTTPS");
      case "verify-ca" -> ssl.setTrustOptions(new PemTrustOptions().addCertPath(url.sslRootCert())).setHostnameVerificationAlgorithm("");
      default -> ssl.setTrustAll(true).setHostnameVerificationAlgorithm("");
    }
    if (url.sslCert() != null) {
      ssl.setKeyCertOptions(new PemKeyCertOptions().setCertPath(url.sslCert()).setKeyPath(url.sslKey()));
    }
    return connect.setSslOptions(ssl);
  }
}
