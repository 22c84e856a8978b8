package io.tokengate.cli;

import io.tokengate.users.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Token housekeeping: flush-expired (Simple JWT's flushexpiredtokens) and revoke-user. */
@Command(name = "tokens", description = "Manage issued tokens.",
    subcommands = {TokensCommand.FlushExpired.class, TokensCommand.RevokeUser.class})
public final class TokensCommand {

  @Command(name = "flush-expired", description = "Delete expired outstanding and blacklisted tokens.")
  static final class FlushExpired implements Runnable {
    @Mixin ConfigOptions config;

    @Override
    public void run() {
      try (DatabaseSession db = new DatabaseSession(config)) {
        long removed = db.tokens.purgeExpired(db.config.housekeeping().batchSize()).await();
        System.out.println("Deleted " + removed + " expired token(s).");
      }
    }
  }

  @Command(name = "revoke-user", description = "Log a user out everywhere: blacklist all their refresh tokens.")
  static final class RevokeUser implements Runnable {
    @Mixin ConfigOptions config;
    @Parameters(paramLabel = "NAME", description = "the user's username") String name;

    @Override
    public void run() {
      try (DatabaseSession db = new DatabaseSession(config)) {
        User user = db.requireUser(name);
        int revoked = db.revokeWith(user, "logout", conn -> io.vertx.core.Future.succeededFuture());
        System.out.println("Revoked " + revoked + " refresh token(s) and every access token of \"" + name + "\".");
      }
    }
  }
}
