package io.tokengate.deploy;

import io.tokengate.config.ConfigLoader;
import io.tokengate.config.GatewayConfig;
import io.tokengate.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scale-out examples under {@code deploy/} stay consistent with the gateway: every Kubernetes
 * manifest parses, the kustomization lists them all, the probes hit the management port's health
 * paths, and the ConfigMap + Secret environment is a configuration the gateway accepts (unknown
 * keys and bad values are refused at start-up, so a typo in a TOKENGATE_* name fails here).
 * The Dockerfile, {@code deploy/compose.yaml} and the Deployment name one image and start the JVM
 * with the measured gateway flags; the image's HEALTHCHECK and ENTRYPOINT commands are run here.
 */
@DisplayName("deploy/: Dockerfile, compose, Kubernetes manifests and the HAProxy example")
class DeployManifestsTest {

  private static final Path PROJECT = Path.of(System.getProperty("tokengate.project.dir", "."));
  private static final Path DEPLOY = PROJECT.resolve("deploy");

  /** The measured gateway JVM flags (docs/performance.md, "JVM flags"): what every shipped artifact starts the JVM with. */
  private static final String GATEWAY_FLAGS =
      "-XX:+UseParallelGC -Xms96m -Xmx96m -XX:+AlwaysPreTouch -XX:ReservedCodeCacheSize=64m -Xss512k";

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

  @Test
  @DisplayName("the documented gateway JVM flags are the ones the artifacts use")
  void flagsAreTheDocumentedOnes() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(PROJECT.resolve("README.md")));
    try (Stream<Path> files = Files.list(PROJECT.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).forEach(docs::add);
    }
    String text = docs.stream().filter(Files::exists).map(DeployManifestsTest::read).collect(Collectors.joining("\n"));
    assertThat(text).contains("java " + GATEWAY_FLAGS + " -jar");
  }

  @Test
  @DisplayName("the Dockerfile: a Java 17 base from a build ARG, non-root USER, both ports exposed, the gateway flags in JAVA_OPTS")
  void dockerfile() {
    Map<String, List<String>> df = dockerfile(read(PROJECT.resolve("Dockerfile")));
    assertThat(df.get("ARG")).contains("BASE_IMAGE=eclipse-temurin:17-jre");
    assertThat(df.get("FROM")).containsExactly("${BASE_IMAGE}");
    String user = last(df.get("USER"));
    assertThat(user).matches("\\d+:\\d+");
    assertThat(Integer.parseInt(user.split(":")[0])).isNotZero()
        .isEqualTo(BY_KIND.get("Deployment").getJsonObject("spec").getJsonObject("template").getJsonObject("spec")
            .getJsonObject("securityContext").getInteger("runAsUser"));
    Map<String, String> env = dockerfileEnv(df);
    assertThat(env).containsEntry("JAVA_OPTS", GATEWAY_FLAGS).containsEntry("TOKENGATE_MANAGEMENT_HOST", "0.0.0.0");
    assertThat(Arrays.asList(last(df.get("EXPOSE")).split("\\s+")))
        .containsExactlyInAnyOrder(env.get("TOKENGATE_HTTP_PORT"), env.get("TOKENGATE_MANAGEMENT_PORT"));
    assertThat(last(df.get("HEALTHCHECK"))).contains("/health/ready").contains("${TOKENGATE_MANAGEMENT_PORT}");
    assertThat(new JsonArray(last(df.get("CMD")))).containsExactly("serve");
  }

  @Test
  @DisplayName("the image's ENTRYPOINT runs java with the archive, JAVA_OPTS split into flags, then the jar and the given command")
  void entrypointPassesFlagsAndArguments() throws Exception {
    List<String> entrypoint = exec(dockerfile(read(PROJECT.resolve("Dockerfile"))).get("ENTRYPOINT"));
    Path bin = Files.createTempDirectory("fake-java");
    try {
      Path java = bin.resolve("java");
      Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
      Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin", "JAVA_OPTS", GATEWAY_FLAGS);
      List<String> jar = List.of("-jar", "/app/tokengate.jar");

      List<String> serve = new ArrayList<>(List.of("-XX:SharedArchiveFile=/app/cds/tokengate.jsa"));
      serve.addAll(List.of(GATEWAY_FLAGS.split(" ")));
      serve.addAll(jar);
      serve.add("serve");
      assertThat(run(concat(entrypoint, List.of("serve")), env).output()).containsExactlyElementsOf(serve);

      List<String> userAdd = new ArrayList<>(serve.subList(0, serve.size() - 1));
      userAdd.addAll(List.of("user", "add", "alice smith", "--password-stdin"));
      assertThat(run(concat(entrypoint, List.of("user", "add", "alice smith", "--password-stdin")), env).output())
          .containsExactlyElementsOf(userAdd);
    } finally {
      Files.deleteIfExists(bin.resolve("java"));
      Files.deleteIfExists(bin);
    }
  }

  @Test
  @DisplayName("the image's HEALTHCHECK passes on a ready gateway's management port, fails on a 503 and on a closed port")
  void healthcheckCommand() throws Exception {
    List<String> healthcheck = exec(last(dockerfile(read(PROJECT.resolve("Dockerfile"))).get("HEALTHCHECK")).replaceFirst("^.*?CMD\\s+", ""));
    int closedPort;
    try (TestGateway gateway = TestGateway.start(new JsonObject())) {
      int port = gateway.gateway().managementPort();
      assertThat(run(healthcheck, Map.of("TOKENGATE_MANAGEMENT_PORT", String.valueOf(port))).exit()).isZero();
      closedPort = port;
    }
    assertThat(run(healthcheck, Map.of("TOKENGATE_MANAGEMENT_PORT", String.valueOf(closedPort))).exit()).isNotZero();
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer notReady = vertx.createHttpServer()
          .requestHandler(request -> request.response().setStatusCode(request.path().equals("/health/ready") ? 503 : 200)
              .end("{\"status\":\"DOWN\"}"))
          .listen(0, "127.0.0.1").await();
      assertThat(run(healthcheck, Map.of("TOKENGATE_MANAGEMENT_PORT", String.valueOf(notReady.actualPort()))).exit()).isNotZero();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("compose.yaml: PostgreSQL 15, an echo upstream and tokengate in prod mode, every secret from the environment")
  void compose() {
    JsonObject compose = yaml(DEPLOY.resolve("compose.yaml"));
    JsonObject services = compose.getJsonObject("services");
    assertThat(services.fieldNames()).containsExactlyInAnyOrder("postgres", "echo", "tokengate");
    assertThat(services.getJsonObject("postgres").getString("image")).endsWith("postgres:15");
    JsonObject tokengate = services.getJsonObject("tokengate");
    assertThat(DEPLOY.resolve(tokengate.getJsonObject("build").getString("context"))
        .resolve(tokengate.getJsonObject("build").getString("dockerfile")).normalize())
        .isEqualTo(PROJECT.resolve("Dockerfile").normalize());
    assertThat(tokengate.getJsonObject("depends_on").getJsonObject("postgres").getString("condition")).isEqualTo("service_healthy");

    Map<String, String> environment = new HashMap<>();
    tokengate.getJsonObject("environment").forEach(e -> environment.put(e.getKey(), String.valueOf(e.getValue())));
    assertThat(environment).containsEntry("TOKENGATE_MODE", "prod");
    Pattern reference = Pattern.compile("\\$\\{[A-Z_]+:\\?[^}]*}");
    for (JsonObject service : List.of(tokengate, services.getJsonObject("postgres"))) {
      service.getJsonObject("environment").forEach(e -> {
        if (e.getKey().matches(".*(PASSWORD|SECRET|_KEY).*")) {
          assertThat(String.valueOf(e.getValue())).as(e.getKey()).matches(reference);
        }
      });
    }
    String userInfo = URI.create(environment.get("TOKENGATE_DATABASE_URL").replaceAll("\\$\\{[^}]*}", "REF")).getUserInfo();
    assertThat(environment.get("TOKENGATE_DATABASE_URL")).contains("tokengate:" + "${POSTGRES_PASSWORD:?");
    assertThat(userInfo).isEqualTo("tokengate:REF");

    // The image's TOKENGATE_* defaults, then compose's environment with every ${VAR} set: a valid prod configuration.
    Map<String, String> env = new HashMap<>();
    dockerfileEnv(dockerfile(read(PROJECT.resolve("Dockerfile")))).forEach((k, v) -> {
      if (k.startsWith("TOKENGATE_")) {
        env.put(k, v);
      }
    });
    environment.forEach((k, v) -> env.put(k, reference.matcher(v).replaceAll("0123456789abcdef0123456789abcdef0123456789abcdef")));
    Vertx vertx = Vertx.vertx();
    try {
      GatewayConfig config = GatewayConfig.fromJson(new ConfigLoader(vertx).loadJson(null, env).await());
      assertThat(config.mode().isDev()).isFalse();
      assertThat(tokengate.getJsonArray("ports").stream().map(String::valueOf).toList()).containsExactlyInAnyOrder(
          "127.0.0.1:" + config.http().port() + ":" + config.http().port(),
          "127.0.0.1:" + config.management().port() + ":" + config.management().port());
      List<String> upstreamHosts = config.routes().stream().flatMap(r -> r.upstreams().stream()).map(URI::getHost).toList();
      assertThat(upstreamHosts).isNotEmpty().allSatisfy(host -> assertThat(services.fieldNames()).contains(host));
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("the Dockerfile's image is the one compose and the Deployment run, with the entrypoint's flags in JAVA_OPTS")
  void oneImageEverywhere() {
    Map<String, List<String>> df = dockerfile(read(PROJECT.resolve("Dockerfile")));
    String labels = String.join(" ", df.get("LABEL"));
    String image = label(labels, "org.opencontainers.image.title") + ":" + label(labels, "org.opencontainers.image.version");
    assertThat(yaml(DEPLOY.resolve("compose.yaml")).getJsonObject("services").getJsonObject("tokengate").getString("image"))
        .isEqualTo(image);
    JsonObject container = BY_KIND.get("Deployment").getJsonObject("spec").getJsonObject("template").getJsonObject("spec")
        .getJsonArray("containers").getJsonObject(0);
    assertThat(container.getString("image")).isEqualTo(image);
    assertThat(container.containsKey("command")).as("command would bypass the image's entrypoint and AppCDS archive").isFalse();
    assertThat(container.containsKey("args")).isFalse();
    Map<String, String> env = container.getJsonArray("env").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(e -> e.getString("name"), e -> e.getString("value")));
    assertThat(env).containsEntry("JAVA_OPTS", GATEWAY_FLAGS);
  }

  /** Dockerfile instructions by keyword, in order, continuation lines joined, comments dropped. */
  private static Map<String, List<String>> dockerfile(String text) {
    Map<String, List<String>> instructions = new HashMap<>();
    StringBuilder line = new StringBuilder();
    for (String raw : text.split("\n")) {
      String trimmed = raw.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && line.length() == 0)) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        line.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      line.append(trimmed);
      String[] parts = line.toString().strip().split("\\s+", 2);
      instructions.computeIfAbsent(parts[0].toUpperCase(), k -> new ArrayList<>()).add(parts.length > 1 ? parts[1] : "");
      line.setLength(0);
    }
    return instructions;
  }

  /** ENV instructions (key="value" pairs) merged in order. */
  private static Map<String, String> dockerfileEnv(Map<String, List<String>> dockerfile) {
    Map<String, String> env = new HashMap<>();
    Matcher pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)").matcher(String.join(" ", dockerfile.get("ENV")));
    while (pair.find()) {
      env.put(pair.group(1), pair.group(2).replaceAll("^\"|\"$", ""));
    }
    return env;
  }

  private static String label(String labels, String name) {
    Matcher m = Pattern.compile(Pattern.quote(name) + "=\"([^\"]*)\"").matcher(labels);
    assertThat(m.find()).as("LABEL %s", name).isTrue();
    return m.group(1);
  }

  /** An exec-form (JSON array) instruction argument. */
  private static List<String> exec(String json) {
    return new JsonArray(json).stream().map(String::valueOf).toList();
  }

  private static List<String> exec(List<String> instructions) {
    return exec(last(instructions));
  }

  private static String last(List<String> values) {
    assertThat(values).isNotEmpty();
    return values.get(values.size() - 1);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private record Result(int exit, List<String> output) {
  }

  private static Result run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    return new Result(process.exitValue(), output.isEmpty() ? List.of() : List.of(output.split("\n")));
  }

  private static JsonObject yaml(Path file) {
    @SuppressWarnings("unchecked")
    Map<String, Object> document = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(read(file));
    return new JsonObject(document);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
