package io.tokengate.deploy;

import io.tokengate.config.ConfigLoader;
import io.tokengate.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scale-out examples under {@code deploy/} stay consistent with the gateway: every Kubernetes
 * manifest parses, the kustomization lists them all, the probes hit the management port's health
 * paths, and the ConfigMap + Secret environment is a configuration the gateway accepts (unknown
 * keys and bad values are refused at start-up, so a typo in a TOKENGATE_* name fails here).
 */
@DisplayName("deploy/: Kubernetes manifests and the HAProxy example")
class DeployManifestsTest {

  private static final Path DEPLOY = Path.of(System.getProperty("tokengate.project.dir", "."), "deploy");

  private static final Map<String, JsonObject> BY_KIND = new HashMap<>();
  private static final List<String> FILES = new ArrayList<>();

  @BeforeAll
  static void parse() throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        FILES.add(file.getFileName().toString());
        for (Object document : yaml.loadAll(Files.readString(file))) {
          @SuppressWarnings("unchecked")
          JsonObject json = new JsonObject((Map<String, Object>) document);
          assertThat(BY_KIND.put(json.getString("kind"), json)).as("one %s", json.getString("kind")).isNull();
        }
      }
    }
  }

  @AfterAll
  static void forget() {
    BY_KIND.clear();
    FILES.clear();
  }

  @Test
  @DisplayName("every manifest parses, with the expected kinds, and the kustomization lists every other file")
  void kindsAndKustomization() {
    assertThat(BY_KIND).containsOnlyKeys("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
        "ConfigMap", "Secret", "Kustomization");
    List<String> resources = BY_KIND.get("Kustomization").getJsonArray("resources").stream().map(String::valueOf).toList();
    assertThat(resources).containsExactlyInAnyOrderElementsOf(FILES.stream().filter(f -> !f.equals("kustomization.yaml")).toList());
  }

  @Test
  @DisplayName("the Deployment runs 2 non-root replicas on a read-only root fs, probing /health/ready and /health/live on the management port")
  void deployment() {
    JsonObject spec = BY_KIND.get("Deployment").getJsonObject("spec");
    assertThat(spec.getInteger("replicas")).isEqualTo(2);
    JsonObject pod = spec.getJsonObject("template").getJsonObject("spec");
    assertThat(pod.getJsonObject("securityContext").getBoolean("runAsNonRoot")).isTrue();
    JsonObject container = pod.getJsonArray("containers").getJsonObject(0);
    assertThat(container.getJsonObject("securityContext").getBoolean("readOnlyRootFilesystem")).isTrue();
    assertThat(container.getJsonObject("resources").getJsonObject("requests").getString("cpu")).isNotBlank();
    assertThat(container.getJsonObject("resources").getJsonObject("limits").getString("memory")).isNotBlank();
    assertThat(probe(container, "readinessProbe")).isEqualTo("management /health/ready");
    assertThat(probe(container, "livenessProbe")).isEqualTo("management /health/live");
    int managementPort = container.getJsonArray("ports").stream().map(JsonObject.class::cast)
        .filter(p -> p.getString("name").equals("management")).findFirst().orElseThrow().getInteger("containerPort");
    assertThat(String.valueOf(managementPort)).isEqualTo(environment().get("TOKENGATE_MANAGEMENT_PORT"));
    List<String> sources = container.getJsonArray("envFrom").stream().map(JsonObject.class::cast)
        .map(s -> s.fieldNames().iterator().next()).toList();
    assertThat(sources).containsExactlyInAnyOrder("configMapRef", "secretRef");
  }

  @Test
  @DisplayName("the Service publishes only the public port; the HPA scales the Deployment on CPU; the PDB keeps one pod")
  void serviceHpaPdb() {
    assertThat(BY_KIND.get("Service").getJsonObject("spec").getJsonArray("ports")).hasSize(1);
    assertThat(BY_KIND.get("Service").getJsonObject("spec").getJsonArray("ports").getJsonObject(0).getString("targetPort"))
        .isEqualTo("http");
    JsonObject hpa = BY_KIND.get("HorizontalPodAutoscaler").getJsonObject("spec");
    assertThat(hpa.getJsonObject("scaleTargetRef").getString("kind")).isEqualTo("Deployment");
    assertThat(hpa.getJsonArray("metrics").getJsonObject(0).getJsonObject("resource").getString("name")).isEqualTo("cpu");
    assertThat(hpa.getInteger("minReplicas")).isGreaterThanOrEqualTo(2);
    assertThat(BY_KIND.get("PodDisruptionBudget").getJsonObject("spec").getInteger("minAvailable")).isEqualTo(1);
  }

  @Test
  @DisplayName("the ConfigMap and the Secret's placeholders make a valid prod configuration behind a TLS proxy")
  void environmentIsAValidConfiguration() {
    Map<String, String> env = environment();
    assertThat(env.get("TOKENGATE_JWT_SIGNING_KEY")).contains("REPLACE-ME");
    assertThat(env.get("TOKENGATE_DATABASE_URL")).contains("REPLACE-ME");
    Vertx vertx = Vertx.vertx();
    try {
      GatewayConfig config = GatewayConfig.fromJson(new ConfigLoader(vertx).loadJson(null, env).await());
      assertThat(config.mode().isDev()).isFalse();
      assertThat(config.http().behindProxy()).isTrue();
      assertThat(config.management().host()).isEqualTo("0.0.0.0");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("the HAProxy example balances 127.0.0.1:8001/8002 and health-checks their management ports")
  void haproxy() throws IOException {
    String cfg = Files.readString(DEPLOY.resolve("haproxy/haproxy.cfg"));
    assertThat(cfg).contains("http-check send meth GET uri /health/ready")
        .contains("server tokengate1 127.0.0.1:8001 check port 9091")
        .contains("server tokengate2 127.0.0.1:8002 check port 9092");
  }

  private static Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    BY_KIND.get("ConfigMap").getJsonObject("data").forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    BY_KIND.get("Secret").getJsonObject("stringData").forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    return env;
  }

  private static String probe(JsonObject container, String name) {
    JsonObject get = container.getJsonObject(name).getJsonObject("httpGet");
    return get.getString("port") + " " + get.getString("path");
  }
}
