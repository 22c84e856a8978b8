package io.tokengate.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the configuration in three layers, each on top of the one before: the defaults in
 * {@code conf/config.yaml} (working directory first, then the copy inside the jar), an optional
 * {@code --config FILE} that holds only what it changes, and environment variables
 * {@code TOKENGATE_<KEY_PATH>} for any key the defaults name.
 */
public final class ConfigLoader {

  public static final String DEFAULTS = "conf/config.yaml";
  public static final String ENV_PREFIX = "TOKENGATE_";

  private final Vertx vertx;

  public ConfigLoader(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The merged configuration as JSON, not yet validated. */
  public Future<JsonObject> loadJson(Path extraFile, Map<String, String> env) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(0).addStore(yaml(DEFAULTS));
    if (extraFile != null) {
      if (!Files.isRegularFile(extraFile)) {
        return Future.failedFuture(new ConfigException("--config", "no such file: " + extraFile));
      }
      options.addStore(yaml(extraFile.toAbsolutePath().toString()));
    }
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .recover(e -> Future.failedFuture(new ConfigException(extraFile == null ? DEFAULTS : extraFile.toString(),
            "cannot be read: " + firstLine(e))))
        .map(json -> applyEnvironment(json, env))
        .eventually(retriever::close);
  }

  /** Loads and validates. */
  public Future<GatewayConfig> load(Path extraFile, Map<String, String> env) {
    return loadJson(extraFile, env).map(GatewayConfig::fromJson);
  }

  private static ConfigStoreOptions yaml(String path) {
    return new ConfigStoreOptions().setType("file").setFormat("yaml").setConfig(new JsonObject().put("path", path));
  }

  /**
   * Overrides every key that the defaults name (at any depth below a mapping) with the environment
   * variable of the same path. Values are read as the type of the default: lists from JSON or
   * comma-separated text, everything else as text that the typed readers convert.
   */
  static JsonObject applyEnvironment(JsonObject json, Map<String, String> env) {
    overlay(json, ENV_PREFIX, env);
    return json;
  }

  private static void overlay(JsonObject section, String prefix, Map<String, String> env) {
    for (String name : section.fieldNames().toArray(new String[0])) {
      String variable = prefix + name.toUpperCase(Locale.ROOT);
      Object current = section.getValue(name);
      if (current instanceof JsonObject child) {
        overlay(child, variable + "_", env);
        continue;
      }
      String value = env.get(variable);
      if (value == null) {
        continue;
      }
      if (current instanceof JsonArray) {
        section.put(name, parseList(variable, value));
      } else {
        section.put(name, value);
      }
    }
  }

  private static Object parseList(String variable, String value) {
    String trimmed = value.trim();
    if (trimmed.startsWith("[")) {
      try {
        return new JsonArray(trimmed);
      } catch (DecodeException e) {
        throw new ConfigException(variable, "not a JSON list: " + firstLine(e));
      }
    }
    return trimmed;
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
