package io.tokengate;

import io.tokengate.cli.TokengateCommand;
import picocli.CommandLine;

/** {@code java -jar tokengate.jar [serve|migrate|user|tokens] ...}; {@code serve} is the default. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    int code = TokengateCommand.commandLine().execute(args.length == 0 ? new String[] {"serve"} : args);
    if (code != 0 || !TokengateCommand.isServe(args)) {
      System.exit(code);
    }
  }
}
