package io.tokengate.cli;

import io.tokengate.config.ConfigException;
import io.tokengate.db.StartupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The command line. Expected failures (bad configuration, unreachable database, port in use,
 * unknown user) print one line and exit 1; nothing here prints a stack trace for them.
 */
@Command(name = "tokengate", mixinStandardHelpOptions = true, version = "tokengate 0.1.0",
    description = "A reactive JWT gateway, wire-compatible with Django REST Framework Simple JWT.",
    subcommands = {ServeCommand.class, MigrateCommand.class, UserCommand.class, TokensCommand.class, KeysCommand.class})
public final class TokengateCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: serve, migrate, user, tokens or keys");
  }

  public static CommandLine commandLine() {
    CommandLine line = new CommandLine(new TokengateCommand());
    line.setExecutionExceptionHandler(TokengateCommand::handle);
    return line;
  }

  public static boolean isServe(String[] args) {
    for (String arg : args) {
      if (!arg.startsWith("-")) {
        return arg.equals("serve");
      }
    }
    return true;
  }

  private static int handle(Exception e, CommandLine line, CommandLine.ParseResult result) {
    PrintWriter err = line.getErr();
    Throwable cause = rootUserError(e);
    if (cause != null) {
      err.println("tokengate: " + cause.getMessage());
    } else {
      err.println("tokengate: unexpected error: " + e);
      e.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  private static Throwable rootUserError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConfigException || t instanceof StartupException || t instanceof CommandFailure) {
        return t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
