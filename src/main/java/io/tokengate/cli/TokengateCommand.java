package io.tokengate.cli;

import io.tokengate.config.ConfigException;
import io.tokengate.db.StartupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The command line. Without a command it serves: {@code tokengate --config F} is
 * {@code tokengate serve --config F}. Expected failures (bad configuration, unreachable database,
 * port in use, unknown user) print one line and exit 1; nothing here prints a stack trace for them.
 * {@code --help}, {@code -h} and {@code --version} reach every subcommand ({@code scope = INHERIT}),
 * and so does the list of exit codes.
 */
@Command(name = "tokengate", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
    scope = CommandLine.ScopeType.INHERIT,
    description = "A reactive JWT gateway, wire-compatible with Django REST Framework Simple JWT. "
        + "Without a command it runs the gateway (serve).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success (serve: stopped by SIGTERM or SIGINT)",
        "1:failed: bad configuration, database unreachable or refused, port in use, unknown user, ...",
        "2:bad command line: unknown command or option, missing argument"},
    subcommands = {ServeCommand.class, MigrateCommand.class, UserCommand.class, TokensCommand.class, KeysCommand.class})
public final class TokengateCommand implements Callable<Integer> {

  @Mixin
  ConfigOptions config;

  /** No command: serve, with the root's options. */
  @Override
  public Integer call() {
    ServeCommand serve = new ServeCommand();
    serve.config = config;
    return serve.call();
  }

  public static CommandLine commandLine() {
    CommandLine line = new CommandLine(new TokengateCommand());
    line.setExecutionExceptionHandler(TokengateCommand::handle);
    line.setExecutionStrategy(TokengateCommand::execute);
    return line;
  }

  /**
   * The root's {@code --config} configures serving only: before a command it would be ignored
   * (and {@code migrate} would quietly work on the defaults), so that is refused.
   */
  private static int execute(CommandLine.ParseResult root) {
    if (root.hasSubcommand() && root.hasMatchedOption("--config")) {
      CommandLine.ParseResult last = root;
      while (last.hasSubcommand()) {
        last = last.subcommand();
      }
      String command = last.commandSpec().qualifiedName(" ");
      throw new CommandLine.ParameterException(root.commandSpec().commandLine(),
          "--config goes after the command: " + command + " ... --config FILE");
    }
    return new CommandLine.RunLast().execute(root);
  }

  /**
   * After {@code line.execute(..)}: whether it started the gateway, which then keeps the process
   * alive (every other command, help and version included, ends it).
   */
  public static boolean startedGateway(CommandLine line) {
    CommandLine.ParseResult root = line.getParseResult();
    if (root == null || root.isUsageHelpRequested() || root.isVersionHelpRequested()) {
      return false;
    }
    if (!root.hasSubcommand()) {
      return true;
    }
    CommandLine.ParseResult command = root.subcommand();
    return command.commandSpec().userObject() instanceof ServeCommand
        && !command.isUsageHelpRequested() && !command.isVersionHelpRequested();
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
