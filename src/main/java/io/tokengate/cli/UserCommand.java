package io.tokengate.cli;

import io.tokengate.auth.DjangoPasswordHasher;
import io.tokengate.users.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** User administration: add, passwd, activate, deactivate, list. */
@Command(name = "user", description = "Manage users.",
    subcommands = {UserCommand.Add.class, UserCommand.Passwd.class, UserCommand.Activate.class,
        UserCommand.Deactivate.class, UserCommand.ListUsers.class})
public final class UserCommand {

  /** Reads a new password: from standard input with {@code --password-stdin}, else prompted twice. */
  static String readPassword(boolean fromStdin) {
    if (fromStdin) {
      try {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
          throw new CommandFailure("no password on standard input");
        }
        return line;
      } catch (IOException e) {
        throw new CommandFailure("cannot read standard input: " + e.getMessage());
      }
    }
    Console console = System.console();
    if (console == null) {
      throw new CommandFailure("not a terminal: pass the password with --password-stdin");
    }
    char[] first = console.readPassword("Password: ");
    char[] second = console.readPassword("Password (again): ");
    if (first == null || first.length == 0 || !Arrays.equals(first, second)) {
      throw new CommandFailure("passwords are empty or do not match");
    }
    return new String(first);
  }

  @Command(name = "add", description = "Create a user.")
  static final class Add implements Runnable {
    @Mixin ConfigOptions config;
    @Parameters(paramLabel = "NAME", description = "the new user's username (unique)") String name;
    @Option(names = "--email", paramLabel = "ADDRESS", description = "e-mail address (default: none)") String email;
    @Option(names = "--staff", description = "mark as staff (is_staff, Django admin access)") boolean staff;
    @Option(names = "--superuser", description = "mark as superuser (is_superuser, every Django permission)") boolean superuser;
    @Option(names = "--password-stdin", description = "read the password from standard input") boolean stdin;

    @Override
    public void run() {
      String password = readPassword(stdin);
      try (DatabaseSession db = new DatabaseSession(config)) {
        if (db.users.findByUsername(name).await() != null) {
          throw new CommandFailure("user \"" + name + "\" already exists");
        }
        String hash = new DjangoPasswordHasher(db.config.users().passwordIterations()).encode(password);
        User user = db.users.create(name, email, hash, staff || superuser, superuser).await();
        System.out.println("Created user \"" + user.username() + "\" (id " + user.id() + ").");
      }
    }
  }

  @Command(name = "passwd", description = "Set a user's password; their tokens are revoked.")
  static final class Passwd implements Runnable {
    @Mixin ConfigOptions config;
    @Parameters(paramLabel = "NAME", description = "the user's username") String name;
    @Option(names = "--password-stdin", description = "read the password from standard input") boolean stdin;

    @Override
    public void run() {
      String password = readPassword(stdin);
      try (DatabaseSession db = new DatabaseSession(config)) {
        User user = db.requireUser(name);
        String hash = new DjangoPasswordHasher(db.config.users().passwordIterations()).encode(password);
        db.revokeWith(user, "password", conn -> db.users.updatePassword(conn, name, hash));
        System.out.println("Password of \"" + name + "\" changed; their tokens are revoked.");
      }
    }
  }

  @Command(name = "activate", description = "Allow a user to log in again.")
  static final class Activate implements Runnable {
    @Mixin ConfigOptions config;
    @Parameters(paramLabel = "NAME", description = "the user's username") String name;

    @Override
    public void run() {
      try (DatabaseSession db = new DatabaseSession(config)) {
        db.requireUser(name);
        db.users.setActive(db.pool, name, true).await();
        System.out.println("User \"" + name + "\" is active.");
      }
    }
  }

  @Command(name = "deactivate", description = "Stop a user from logging in or refreshing; their tokens are revoked.")
  static final class Deactivate implements Runnable {
    @Mixin ConfigOptions config;
    @Parameters(paramLabel = "NAME", description = "the user's username") String name;

    @Override
    public void run() {
      try (DatabaseSession db = new DatabaseSession(config)) {
        User user = db.requireUser(name);
        db.revokeWith(user, "inactive", conn -> db.users.setActive(conn, name, false));
        System.out.println("User \"" + name + "\" is deactivated; their tokens are revoked.");
      }
    }
  }

  @Command(name = "list", description = "List users.")
  static final class ListUsers implements Runnable {
    @Mixin ConfigOptions config;

    @Override
    public void run() {
      try (DatabaseSession db = new DatabaseSession(config)) {
        java.util.List<User> users = db.users.list().await();
        System.out.printf("%-6s %-24s %-8s %-6s %-10s %s%n", "ID", "USERNAME", "ACTIVE", "STAFF", "SUPERUSER", "EMAIL");
        for (User user : users) {
          System.out.printf("%-6d %-24s %-8s %-6s %-10s %s%n", user.id(), user.username(), user.isActive(),
              user.isStaff(), user.isSuperuser(), user.email());
        }
        System.out.println(users.size() + " user(s).");
      }
    }
  }
}
