package io.tokengate.cli;

import io.tokengate.server.Gateway;
import io.tokengate.db.DatabaseBootstrap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** Creates the database if needed and applies pending migrations, then exits. */
@Command(name = "migrate", description = "Create the database if missing and apply pending schema migrations.")
public final class MigrateCommand implements Callable<Integer> {

  @Mixin
  ConfigOptions config;

  @Option(names = "--django-triggers",
      description = "Also install on the users table (e.g. Django's auth_user) the trigger that revokes a user's tokens"
          + " when Django changes their password, deactivates or deletes them")
  boolean djangoTriggers;

  @Override
  public Integer call() {
    try (Gateway.Database database = Gateway.Database.open(config.load())) {
      if (djangoTriggers) {
        var settings = database.config();
        new DatabaseBootstrap(settings.database(), settings.users().table(), settings.jwt().userIdField()).installUserTriggers();
        System.out.println("Installed the user-change trigger on " + settings.users().table() + ".");
      }
      System.out.println("Database " + database.config().database().url() + " is up to date.");
    }
    return 0;
  }
}
