package io.tokengate.deploy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the build ships: the embedded PostgreSQL of this platform only (the jar goes with its
 * runtime classpath), the licence, and a Maven wrapper so a JDK is all a build needs.
 */
@DisplayName("Build: one embedded PostgreSQL per platform, LICENSE, Maven wrapper")
class BuildTest {

  private static final Path PROJECT = Path.of(System.getProperty("tokengate.project.dir", "."));

  /** The root-level {@code postgres-*.txz} archives of every jar on the test classpath (zonky's binaries). */
  private static List<String> postgresArchives() throws IOException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> archives = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.endsWith(".jar") || !Files.isRegularFile(Path.of(entry))) {
        continue;
      }
      try (ZipFile jar = new ZipFile(entry)) {
        Collections.list(jar.entries()).stream()
            .map(e -> e.getName())
            .filter(name -> name.startsWith("postgres-") && name.endsWith(".txz") && !name.contains("/"))
            .forEach(archives::add);
      }
    }
    return archives;
  }

  @Test
  @DisplayName("Exactly one embedded PostgreSQL on the classpath, the one for this OS and CPU (no Alpine, no Windows)")
  void onePostgresForThisPlatform() throws IOException {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("mac") ? "darwin" : "linux";
    String arch = System.getProperty("os.arch").equals("aarch64") ? "arm_64" : "x86_64";
    assertThat(postgresArchives()).containsExactly("postgres-" + os + "-" + arch + ".txz");
  }

  @Test
  @DisplayName("vertx-web-client is a test dependency: no main code uses it")
  void webClientOnlyInTests() throws IOException {
    try (var sources = Files.walk(PROJECT.resolve("src/main/java"))) {
      assertThat(sources.filter(f -> f.toString().endsWith(".java")).filter(f -> {
        try {
          return Files.readString(f).contains("io.vertx.ext.web.client");
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList()).isEmpty();
    }
    String pom = Files.readString(PROJECT.resolve("pom.xml"));
    assertThat(pom).containsPattern("<artifactId>vertx-web-client</artifactId>\\s*<scope>test</scope>");
  }

  @Test
  @DisplayName("LICENSE holds the Apache License 2.0 and the pom declares it")
  void licence() throws IOException {
    String license = Files.readString(PROJECT.resolve("LICENSE"));
    assertThat(license).contains("Apache License", "Version 2.0, January 2004", "END OF TERMS AND CONDITIONS");
    assertThat(Files.readString(PROJECT.resolve("pom.xml")))
        .containsPattern("<licenses>\\s*<license>\\s*<name>Apache License, Version 2.0</name>");
  }

  @Test
  @DisplayName("The Maven wrapper is committed: mvnw (executable), mvnw.cmd and its properties pinning Maven 3.9.11")
  void mavenWrapper() throws IOException {
    assertThat(Files.isExecutable(PROJECT.resolve("mvnw"))).isTrue();
    assertThat(PROJECT.resolve("mvnw.cmd")).exists();
    assertThat(Files.readString(PROJECT.resolve(".mvn/wrapper/maven-wrapper.properties")))
        .contains("wrapperVersion=3.3.4")
        .contains("apache-maven/3.9.11/apache-maven-3.9.11-bin.zip");
  }
}
