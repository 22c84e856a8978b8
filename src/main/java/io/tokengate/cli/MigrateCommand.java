package io.tokengate.cli;

import io.tokengate.Gateway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** Creates the database if needed and applies pending migrations, then exits. */
@Command(name = "migrate", description = "Create the database if missing and apply pending schema migrations.")
public final class MigrateCommand implements Callable<Integer> {

  @Mixin
  ConfigOptions config;

  @Override
  public Integer call() {
    try (Gateway.Database database = Gateway.Database.open(config.load())) {
      System.out.println("Database " + database.config().database().url() + " is up to date.");
    }
    return 0;
  }
}
