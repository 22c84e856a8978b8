package io.tokengate.support;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway in its own JVM ({@code tokengate serve}) with a heap limit, for tests that must know the
 * gateway's memory stays bounded. Configured by a file on top of the defaults; waits for the
 * "listening" line to learn the port. {@link #close} stops the process it started.
 */
public final class ChildGateway implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("tokengate listening on http://[^:]+:(\\d+)");

  private final Process process;
  private final List<String> output;
  private final int port;

  private ChildGateway(Process process, List<String> output, int port) {
    this.process = process;
    this.output = output;
    this.port = port;
  }

  public static ChildGateway start(JsonObject config, String maxHeap, Path dir) throws Exception {
    Path file = dir.resolve("child-gateway.yaml");
    Files.writeString(file, config.encodePrettily()); // JSON is YAML
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-Xmx" + maxHeap, "-cp", classpath, "io.tokengate.Main", "serve", "--config", file.toString())
        .directory(Path.of(System.getProperty("tokengate.project.dir", ".")).toFile())
        .redirectErrorStream(true)
        .start();
    List<String> output = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          output.add(line);
          Matcher matcher = LISTENING.matcher(line);
          if (matcher.find()) {
            port.complete(Integer.parseInt(matcher.group(1)));
          }
        }
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
      port.completeExceptionally(new IllegalStateException("child gateway ended before listening: " + output));
    }, "child-gateway-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new ChildGateway(process, output, port.get(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw e;
    }
  }

  public int port() {
    return port;
  }

  /** The process id, e.g. to send it a signal. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public List<String> output() {
    return List.copyOf(output);
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
