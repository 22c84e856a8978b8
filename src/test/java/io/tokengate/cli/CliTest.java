package io.tokengate.cli;

import io.tokengate.support.TestDatabase;
import io.tokengate.support.TestGateway;
import io.tokengate.support.Users;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line, run in-process against a real database, and the start-up errors it explains. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTest {

  private TestDatabase database;
  private Users users;
  private Path config;

  /** What one command printed and returned. */
  record Run(int code, String out, String err) {
  }

  @BeforeAll
  void setUp(@TempDir Path dir) throws Exception {
    database = TestDatabase.create();
    users = new Users(database);
    config = dir.resolve("cli.yaml");
    Files.writeString(config, configYaml(database.url().toUrlWithPassword(), 0));
    Run migrate = run((String) null, "migrate");
    assertThat(migrate.code()).as(migrate.err()).isZero();
  }

  @AfterAll
  void tearDown() {
    database.close();
  }

  private static String configYaml(String url, int port) {
    return "database:\n  url: \"" + url + "\"\n  startup_retry: PT1S\n  connect_timeout: PT1S\n"
        + "users:\n  password_iterations: 1000\n"
        + "jwt:\n  signing_key: \"" + TestGateway.SIGNING_KEY + "\"\n"
        + "http:\n  port: " + port + "\n  instances: 1\n"
        + "management:\n  port: 0\n"
        + "routes: []\n";
  }

  private Run run(String stdin, String... args) {
    return runWith(config, stdin, args);
  }

  private static synchronized Run runWith(Path configFile, String stdin, String... args) {
    PrintStream originalOut = System.out;
    InputStream originalIn = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
      CommandLine line = TokengateCommand.commandLine();
      line.setErr(new PrintWriter(err, true));
      String[] all = new String[args.length + 2];
      System.arraycopy(args, 0, all, 0, args.length);
      all[args.length] = "--config";
      all[args.length + 1] = configFile.toString();
      int code = line.execute(all);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(originalOut);
      System.setIn(originalIn);
    }
  }

  @Test
  @DisplayName("migrate, user add/list/passwd/deactivate/activate, tokens revoke-user and flush-expired each print one line")
  void userLifecycle() {
    Run migrate = run((String) null, "migrate");
    assertThat(migrate.code()).as(migrate.err()).isZero();
    assertThat(migrate.out()).contains("is up to date");

    Run add = run("first-password\n", "user", "add", "carol", "--email", "carol@example.org", "--staff", "--password-stdin");
    assertThat(add.code()).as(add.err()).isZero();
    assertThat(add.out().strip()).startsWith("Created user \"carol\"");
    assertThat(users.passwordOf("carol")).startsWith("pbkdf2_sha256$1000$");

    Run duplicate = run("x\n", "user", "add", "carol", "--password-stdin");
    assertThat(duplicate.code()).isEqualTo(1);
    assertThat(duplicate.err().strip()).isEqualTo("tokengate: user \"carol\" already exists");

    Run list = run((String) null, "user", "list");
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("carol").contains("carol@example.org");

    String before = users.passwordOf("carol");
    Run passwd = run("second-password\n", "user", "passwd", "carol", "--password-stdin");
    assertThat(passwd.code()).as(passwd.err()).isZero();
    assertThat(users.passwordOf("carol")).isNotEqualTo(before);

    Run deactivate = run((String) null, "user", "deactivate", "carol");
    assertThat(deactivate.code()).isZero();
    assertThat(users.queryString("SELECT is_active::text FROM auth_user WHERE username = ?", "carol")).isEqualTo("false");
    Run activate = run((String) null, "user", "activate", "carol");
    assertThat(activate.code()).isZero();
    assertThat(users.queryString("SELECT is_active::text FROM auth_user WHERE username = ?", "carol")).isEqualTo("true");

    Run revoke = run((String) null, "tokens", "revoke-user", "carol");
    assertThat(revoke.code()).isZero();
    assertThat(revoke.out()).startsWith("Revoked ");

    Run flush = run((String) null, "tokens", "flush-expired");
    assertThat(flush.code()).isZero();
    assertThat(flush.out()).startsWith("Deleted ");

    Run unknown = run((String) null, "user", "deactivate", "nobody");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err().strip()).isEqualTo("tokengate: no user named \"nobody\"");
  }

  @Test
  @DisplayName("revoke-user blacklists the user's refresh tokens so they can no longer be refreshed")
  void revokeUserBlacklists() throws Exception {
    users.create("dave", "dave-pw", true);
    try (Connection conn = database.connect()) {
      conn.createStatement().execute("INSERT INTO tokengate_outstanding_token (jti, user_id, family, created_at, expires_at)"
          + " SELECT 'jti-dave-1', id::text, 'jti-dave-1', now(), now() + interval '1 day' FROM auth_user WHERE username = 'dave'");
    }
    Run revoke = run((String) null, "tokens", "revoke-user", "dave");
    assertThat(revoke.out().strip()).isEqualTo("Revoked 1 refresh token(s) and every access token of \"dave\".");
    assertThat(users.count("SELECT count(*) FROM tokengate_blacklisted_token b JOIN tokengate_outstanding_token o"
        + " ON o.id = b.token_id WHERE o.jti = 'jti-dave-1'")).isEqualTo(1);
  }

  @Test
  @DisplayName("a port already in use is one line naming the port and the setting, no stack trace")
  void portInUse(@TempDir Path dir) throws Exception {
    try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Path file = dir.resolve("port.yaml");
      Files.writeString(file, configYaml(database.url().toUrlWithPassword(), held.getLocalPort()));
      Run serve = runWith(file, null, "serve");
      assertThat(serve.code()).isEqualTo(1);
      assertThat(serve.err().strip()).isEqualTo("tokengate: Port " + held.getLocalPort()
          + " on 127.0.0.1 is already in use (change http.port / TOKENGATE_HTTP_PORT, or stop the other process)");
    }
  }

  @Test
  @DisplayName("an unreachable database is one line naming host and port, after retrying")
  void databaseUnreachable(@TempDir Path dir) throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      closedPort = probe.getLocalPort();
    }
    Path file = dir.resolve("nodb.yaml");
    Files.writeString(file, configYaml("postgresql://postgres@127.0.0.1:" + closedPort + "/nowhere", 0));
    long started = System.nanoTime();
    Run serve = runWith(file, null, "serve");
    assertThat(serve.code()).isEqualTo(1);
    assertThat(serve.err().strip()).startsWith("tokengate: Database unreachable at 127.0.0.1:" + closedPort);
    assertThat(serve.err()).doesNotContain("\tat ");
    assertThat((System.nanoTime() - started) / 1_000_000).as("retried for about startup_retry").isBetween(900L, 10_000L);
  }

  @Test
  @DisplayName("migrations that cannot apply are one line, no stack trace")
  void migrationFails(@TempDir Path dir) throws Exception {
    try (TestDatabase broken = TestDatabase.create(); Connection conn = broken.connect()) {
      conn.createStatement().execute("CREATE TABLE tokengate_outstanding_token (nothing int)");
      Path file = dir.resolve("broken.yaml");
      Files.writeString(file, configYaml(broken.url().toUrlWithPassword(), 0));
      Run migrate = runWith(file, null, "migrate");
      assertThat(migrate.code()).isEqualTo(1);
      assertThat(migrate.err().strip()).startsWith("tokengate: Database migrations could not be applied to ");
      assertThat(migrate.err().strip()).doesNotContain("\n");
    }
  }
  /** Runs the command line with exactly {@code args}, capturing what picocli prints. */
  private static Run plain(String... args) {
    CommandLine line = TokengateCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    int code = line.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Every command and subcommand, each with the words that call it ({@code [user, add]}), found by walking picocli's tree. */
  private static Map<List<String>, CommandLine> allCommands() {
    Map<List<String>, CommandLine> all = new LinkedHashMap<>();
    Deque<Map.Entry<List<String>, CommandLine>> todo = new ArrayDeque<>();
    todo.add(Map.entry(List.of(), TokengateCommand.commandLine()));
    while (!todo.isEmpty()) {
      Map.Entry<List<String>, CommandLine> next = todo.poll();
      all.put(next.getKey(), next.getValue());
      next.getValue().getSubcommands().forEach((name, sub) -> {
        List<String> path = new ArrayList<>(next.getKey());
        path.add(name);
        todo.add(Map.entry(path, sub));
      });
    }
    return all;
  }

  @Test
  @DisplayName("--help and -h answer on every command and subcommand: exit 0, usage, every option and parameter described, exit codes")
  void helpEverywhere() {
    Map<List<String>, CommandLine> commands = allCommands();
    assertThat(commands.keySet()).contains(List.of(), List.of("serve"), List.of("user", "add"), List.of("tokens", "revoke-user"),
        List.of("keys", "generate"), List.of("migrate"));
    commands.forEach((path, command) -> {
      for (String flag : List.of("--help", "-h")) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);
        Run help = plain(args.toArray(new String[0]));
        String what = "tokengate " + String.join(" ", args);
        assertThat(help.code()).as(what + ": " + help.err()).isZero();
        assertThat(help.out()).as(what).contains("Usage: tokengate" + (path.isEmpty() ? "" : " " + String.join(" ", path)));
        assertThat(help.out()).as(what).contains("Exit codes:");
        assertThat(help.out()).as(what).contains("--version");
        command.getCommandSpec().options().forEach(option -> {
          assertThat(String.join(" ", option.description())).as(what + ": description of " + option.longestName()).isNotBlank();
          assertThat(help.out()).as(what).contains(option.longestName());
        });
        command.getCommandSpec().positionalParameters().forEach(parameter ->
            assertThat(String.join(" ", parameter.description())).as(what + ": description of " + parameter.paramLabel()).isNotBlank());
        assertThat(command.getCommandSpec().usageMessage().description()).as(what + ": command description").isNotEmpty();
      }
    });
  }

  @Test
  @DisplayName("--version prints the pom's version, on the root command and on subcommands")
  void versionFromTheBuild() throws Exception {
    String pom = Files.readString(Path.of(System.getProperty("tokengate.project.dir", "."), "pom.xml"));
    Matcher version = Pattern.compile("<artifactId>tokengate</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
    assertThat(version.find()).isTrue();
    for (String[] args : new String[][] {{"--version"}, {"-V"}, {"user", "add", "--version"}}) {
      Run run = plain(args);
      assertThat(run.code()).isZero();
      assertThat(run.out()).startsWith("tokengate " + version.group(1) + System.lineSeparator());
      assertThat(run.out()).contains("Vert.x 5.");
    }
  }

  @Test
  @DisplayName("tokengate --config F is tokengate serve --config F (the same one-line error for a port in use)")
  void rootCommandServes(@TempDir Path dir) throws Exception {
    try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Path file = dir.resolve("root.yaml");
      Files.writeString(file, configYaml(database.url().toUrlWithPassword(), held.getLocalPort()));
      Run root = runWith(file, null);
      assertThat(root.code()).isEqualTo(1);
      assertThat(root.err().strip()).isEqualTo("tokengate: Port " + held.getLocalPort()
          + " on 127.0.0.1 is already in use (change http.port / TOKENGATE_HTTP_PORT, or stop the other process)");
    }
  }

  @Test
  @DisplayName("Only serving keeps the process alive: help, version and the other commands let main() exit")
  void whichRunsKeepTheProcess() {
    Map<String[], Boolean> cases = Map.of(
        new String[] {}, true,
        new String[] {"--config", "x.yaml"}, true,
        new String[] {"serve", "-c", "x.yaml"}, true,
        new String[] {"--help"}, false,
        new String[] {"serve", "--help"}, false,
        new String[] {"-V"}, false,
        new String[] {"user", "list"}, false,
        new String[] {"migrate"}, false);
    cases.forEach((args, serves) -> {
      CommandLine line = TokengateCommand.commandLine();
      line.parseArgs(args);
      assertThat(TokengateCommand.startedGateway(line)).as(String.join(" ", args)).isEqualTo(serves);
    });
  }

  @Test
  @DisplayName("--config before a command is refused (exit 2) rather than ignored")
  void configBeforeCommand() {
    Run run = plain("--config", config.toString(), "user", "list");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--config goes after the command: tokengate user list ... --config FILE");
  }

  @Test
  @DisplayName("An unknown option is exit code 2 with picocli's message")
  void unknownOption() {
    Run run = plain("user", "add", "--admin", "x");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--admin'");
  }
}
