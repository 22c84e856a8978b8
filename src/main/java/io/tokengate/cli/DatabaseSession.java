package io.tokengate.cli;

import io.tokengate.Gateway;
import io.tokengate.auth.TokenRepository;
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
  final Pool pool;
  private final Gateway.Database database;
  private final Vertx vertx;

  DatabaseSession(ConfigOptions options) {
    this.database = Gateway.Database.open(options.load());
    this.config = database.config();
    this.vertx = Vertx.vertx();
    this.pool = Pools.create(vertx, config.database());
    this.users = new UserRepository(pool, config.users().table(), config.jwt().userIdField());
    this.tokens = new TokenRepository(pool);
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
