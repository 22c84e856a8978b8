package io.tokengate.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a gateway's configuration comes from: the defaults ({@code conf/config.yaml}), an optional
 * {@code --config FILE} and the environment, kept so that the same layers can be read again for a
 * reload. Immutable.
 */
public record ConfigSource(Path file, Map<String, String> env) {

  public ConfigSource {
    env = Map.copyOf(env);
  }

  /** The merged configuration as JSON, not yet validated (see {@link ConfigLoader#loadJson}). */
  public Future<JsonObject> read(Vertx vertx) {
    return new ConfigLoader(vertx).loadJson(file, env);
  }

  /** {@link #read}, blocking, with a Vert.x of its own (main thread only). */
  public JsonObject readBlocking() {
    Vertx vertx = Vertx.vertx();
    try {
      return read(vertx).await();
    } finally {
      vertx.close().await();
    }
  }

  /** The files whose change means the configuration may have changed: {@code conf/config.yaml} in the working directory when present, and the {@code --config} file. */
  public List<Path> watchedFiles() {
    List<Path> files = new ArrayList<>();
    Path defaults = Path.of(ConfigLoader.DEFAULTS);
    if (Files.isRegularFile(defaults)) {
      files.add(defaults.toAbsolutePath());
    }
    if (file != null) {
      files.add(file.toAbsolutePath());
    }
    return files;
  }

  /**
   * A SHA-256 of each watched file's content ({@code "missing"} when it cannot be read): equal
   * fingerprints mean nothing to reload. Blocking file I/O: a worker thread or main only.
   */
  public Map<Path, String> fingerprint() {
    Map<Path, String> hashes = new LinkedHashMap<>();
    for (Path path : watchedFiles()) {
      hashes.put(path, hash(path));
    }
    return hashes;
  }

  private static String hash(Path path) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)));
    } catch (NoSuchFileException e) {
      return "missing";
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
