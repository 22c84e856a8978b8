package io.tokengate.support;

import io.tokengate.config.DatabaseUrl;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A live Django 3.2 + DRF + Simple JWT 5.2 app (Debian's packages, never downloaded) on a test
 * database: {@code manage.py migrate} makes auth_user and Simple JWT's token_blacklist tables as
 * Django makes them, then gunicorn serves the token API (at tokengate's paths) on a free loopback
 * port. The app is {@code src/test/resources/django/} copied to a temporary folder; its settings
 * come from the environment (database, signing key). Close stops the process tree and deletes the
 * folder (closing twice is harmless). Missing packages fail with the apt-get line to run, never a skip.
 * Every method blocks (it waits for Python processes): call it from the JUnit thread, never an event loop.
 */
public final class DjangoApp implements AutoCloseable {

  public static final String PYTHON = "/usr/bin/python3";
  public static final String GUNICORN = "/usr/bin/gunicorn";
  public static final String PACKAGES =
      "python3-django python3-djangorestframework python3-djangorestframework-simplejwt python3-psycopg2 gunicorn";

  private static final List<String> FILES = List.of("manage.py", "settings.py", "urls.py", "wsgi.py");
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
  private static final Pattern LISTENING = Pattern.compile("Listening at: http://127\\.0\\.0\\.1:(\\d+)");

  private final Path dir;
  private final Map<String, String> environment;
  private Process server;
  private int port;

  private DjangoApp(Path dir, Map<String, String> environment) {
    this.dir = dir;
    this.environment = environment;
  }

  /** Migrates {@code database} with Django and starts the app signing with {@code signingKey} (HS256). */
  public static DjangoApp start(TestDatabase database, String signingKey) {
    requireInstalled(PYTHON, GUNICORN);
    DatabaseUrl url = database.url();
    Path dir;
    try {
      dir = Files.createTempDirectory("tokengate-django-");
      for (String file : FILES) {
        try (InputStream in = DjangoApp.class.getResourceAsStream("/django/" + file)) {
          if (in == null) {
            throw new IllegalStateException("test resource /django/" + file + " is missing");
          }
          Files.copy(in, dir.resolve(file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> environment = Map.of(
        "DJANGO_SETTINGS_MODULE", "settings",
        "DJANGO_SIGNING_KEY", signingKey,
        "DJANGO_DB_NAME", url.database(),
        "DJANGO_DB_USER", url.user(),
        "DJANGO_DB_PASSWORD", url.password() == null ? "" : url.password(),
        "DJANGO_DB_HOST", url.host(),
        "DJANGO_DB_PORT", String.valueOf(url.port()),
        "PYTHONDONTWRITEBYTECODE", "1");
    DjangoApp app = new DjangoApp(dir, environment);
    try {
      app.manage(Map.of(), "migrate", "--noinput", "-v", "0");
      app.serve();
      return app;
    } catch (RuntimeException | Error e) {
      app.close();
      throw e;
    }
  }

  /** Fails naming the apt-get line unless {@code python} imports Django, DRF, Simple JWT and psycopg2 and {@code gunicorn} exists. */
  public static void requireInstalled(String python, String gunicorn) {
    String missing = null;
    if (!Files.isExecutable(Path.of(python)) || !Files.isExecutable(Path.of(gunicorn))) {
      missing = python + " or " + gunicorn + " not found";
    } else {
      try {
        Process check = new ProcessBuilder(python, "-c", "import django, rest_framework, rest_framework_simplejwt, psycopg2")
            .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (check.waitFor() != 0) {
          missing = output.strip();
        }
      } catch (IOException e) {
        missing = e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
    }
    if (missing != null) {
      throw new IllegalStateException("Django is not installed (" + missing + "): apt-get install -y " + PACKAGES);
    }
  }

  /** The loopback port Django answers on. */
  public int port() {
    return port;
  }

  /** The running server processes: gunicorn's master and its workers. */
  public List<ProcessHandle> processes() {
    List<ProcessHandle> tree = new ArrayList<>(server.descendants().toList());
    tree.add(server.toHandle());
    return tree;
  }

  /** {@code User.objects.create_user(username, password=password)}; returns the new user's id. */
  public int createUser(String username, String password) {
    return Integer.parseInt(shell(Map.of("TG_USERNAME", username, "TG_PASSWORD", password),
        "import os\nfrom django.contrib.auth.models import User\n"
            + "print(User.objects.create_user(os.environ['TG_USERNAME'], password=os.environ['TG_PASSWORD']).pk)"));
  }

  /**
   * Simple JWT's {@code OutstandingToken} of {@code jti} as Django's ORM reads it:
   * {@code {jti, token, user_id, created_at, expires_at}} (times in epoch seconds), or null if there is none.
   */
  public JsonObject outstanding(String jti) {
    String row = shell(Map.of("TG_JTI", jti),
        "import json, os\nfrom rest_framework_simplejwt.token_blacklist.models import OutstandingToken\n"
            + "t = OutstandingToken.objects.filter(jti=os.environ['TG_JTI']).first()\n"
            + "print(json.dumps(None if t is None else {'jti': t.jti, 'token': t.token, 'user_id': t.user_id,"
            + " 'created_at': None if t.created_at is None else int(t.created_at.timestamp()),"
            + " 'expires_at': int(t.expires_at.timestamp())}))");
    return "null".equals(row) ? null : new JsonObject(row);
  }

  /** Runs {@code code} in {@code manage.py shell -c}; returns the last line it printed. */
  public String shell(Map<String, String> env, String code) {
    List<String> lines = manage(env, "shell", "-c", code).lines().toList();
    if (lines.isEmpty()) {
      throw new IllegalStateException("manage.py shell printed nothing");
    }
    return lines.get(lines.size() - 1).strip();
  }

  private String manage(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(PYTHON, "manage.py"));
    command.addAll(List.of(args));
    Path out = dir.resolve("manage.out");
    Path err = dir.resolve("manage.err");
    Process process = start(command, env, out, err);
    try {
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        stop(process);
        throw new IllegalStateException("manage.py " + args[0] + " did not finish within " + COMMAND_TIMEOUT + ": " + read(err));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("manage.py " + args[0] + " failed (exit " + process.exitValue() + "): " + read(err));
      }
      return read(out);
    } catch (InterruptedException e) {
      stop(process);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  /** gunicorn on 127.0.0.1:0 (the port it got is in its "Listening at" line), then waits until Django answers. */
  private void serve() {
    Path log = dir.resolve("gunicorn.log");
    server = start(List.of(GUNICORN, "--chdir", dir.toString(), "-b", "127.0.0.1:0", "-w", "1", "--graceful-timeout", "5",
        "wsgi:application"), Map.of(), log, log);
    port = Poll.value(COMMAND_TIMEOUT, "gunicorn to listen", () -> {
      Matcher listening = LISTENING.matcher(read(log));
      if (listening.find()) {
        return Integer.parseInt(listening.group(1));
      }
      if (!server.isAlive()) {
        throw new IllegalStateException("gunicorn exited (" + server.exitValue() + "): " + read(log));
      }
      return null;
    });
    Poll.until(COMMAND_TIMEOUT, "Django to answer on port " + port, () -> {
      if (!server.isAlive()) {
        throw new IllegalStateException("gunicorn exited (" + server.exitValue() + "): " + read(log));
      }
      return answers();
    });
  }

  /** Whether Django answers a GET of the verify view (405: it only takes POST). */
  private boolean answers() {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/api/token/verify/").toURL().openConnection();
      connection.setConnectTimeout(1000);
      connection.setReadTimeout(5000);
      try {
        return connection.getResponseCode() == 405;
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  private Process start(List<String> command, Map<String, String> env, Path out, Path err) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().remove("PYTHONPATH");
    builder.environment().remove("PYTHONHOME");
    builder.environment().putAll(environment);
    builder.environment().putAll(env);
    if (out.equals(err)) {
      builder.redirectErrorStream(true).redirectOutput(out.toFile());
    } else {
      builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    }
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGTERM to the process and its descendants (gunicorn's workers), SIGKILL to whatever outlives 10 s. */
  private static void stop(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        handle.destroyForcibly();
      } catch (InterruptedException e) {
        handle.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    try {
      if (server != null) {
        stop(server);
      }
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a leftover temporary folder is harmless
      }
    }
  }
}
