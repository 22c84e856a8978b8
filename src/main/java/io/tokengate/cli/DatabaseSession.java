package io.tokengate.cli;

import io.tokengate.server.Gateway;
import io.tokengate.auth.TokenCodec;
import io.tokengate.auth.TokenRepository;
import io.tokengate.auth.TokenService;
import io.tokengate.ops.GatewayMetrics;
import io.tokengate.revocation.Revocations;
import io.tokengate.config.GatewayConfig;
import io.tokengate.db.Pools;
import io.tokengate.users.User;
import io.tokengate.users.UserRepository;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * What a command-line tool needs to work on the database: the migrated database, a Vert.x
 * instance and the same repositories the gateway uses. Blocking use from the main thread only.
 */
final class DatabaseSession implements AutoCloseable {

  final GatewayConfig config;
  final UserRepository users;
  final TokenRepository tokens;
  final TokenService tokenService;
  final Pool pool;
  private final Gateway.Database database;
  private final Vertx vertx;

  DatabaseSession(ConfigOptions options) {
    this.database = Gateway.Database.open(options.load());
    this.config = database.config();
    this.vertx = Vertx.vertx();
    this.pool = Pools.create(vertx, config.database());
    this.users = new UserRepository(pool, config.users().table(), config.jwt().userIdField());
    this.tokens = new TokenRepository(pool, config.jwt().sharesSimplejwtBlacklist());
    this.tokenService = new TokenService(new TokenCodec(vertx, config.jwt()), config.jwt(), tokens, users,
        new Revocations(config.jwt().userIdClaim()), new GatewayMetrics(GatewayMetrics.newRegistry(), false));
  }

  /** Revokes every token of {@code user} (refresh tokens blacklisted, access tokens denied) in one transaction with {@code change}. */
  int revokeWith(User user, String reason, java.util.function.Function<io.vertx.sqlclient.SqlConnection, io.vertx.core.Future<?>> change) {
    return pool.withTransaction(conn -> change.apply(conn).compose(v -> tokenService.revokeUser(conn, user, reason))).await();
  }

  User requireUser(String username) {
    User user = users.findByUsername(username).await();
    if (user == null) {
      throw new CommandFailure("no user named \"" + username + "\"");
    }
    return user;
  }

  @Override
  public void close() {
    try {
      vertx.close().await();
    } finally {
      database.close();
    }
  }
}
