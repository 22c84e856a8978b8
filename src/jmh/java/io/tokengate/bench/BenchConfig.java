package io.tokengate.bench;

import io.tokengate.config.ConfigLoader;
import io.tokengate.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/** The shipped defaults (conf/config.yaml, from the working dir or the jar) with a benchmark-only HS256 key merged on top. */
public final class BenchConfig {

  /** Not a secret: used only inside the benchmark process. */
  public static final String SIGNING_KEY = "tokengate-benchmark-signing-key-0123456789abcdef0123456789";

  private BenchConfig() {
  }

  public static GatewayConfig load(Vertx vertx, JsonObject overrides) {
    JsonObject defaults = new ConfigLoader(vertx).loadJson(null, Map.of()).await();
    JsonObject jwt = new JsonObject().put("algorithm", "HS256").put("signing_key", SIGNING_KEY);
    return GatewayConfig.fromJson(defaults.mergeIn(new JsonObject().put("jwt", jwt), true).mergeIn(overrides, true));
  }
}
