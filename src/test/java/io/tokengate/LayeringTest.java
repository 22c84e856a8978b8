package io.tokengate;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The house's layering, checked on the compiled main classes: packages by concern, one direction
 * of dependency, no Vert.x internals. From the bottom: {@code keys}, {@code users},
 * {@code revocation} (leaves), {@code config}, {@code db}, {@code http} (errors and request
 * fields), {@code ops}, {@code auth}, {@code web}, {@code proxy}, then {@code server} (the
 * verticles and the composition root), {@code cli} and {@link Main} on top.
 */
@DisplayName("Layering: no package cycles, no Vert.x internals, nothing below the server reaches up")
class LayeringTest {

  /** The packages from the bottom up; leaves first. */
  private static final List<String> LAYERS =
      List.of("keys", "users", "revocation", "config", "db", "http", "ops", "auth", "web", "proxy", "server", "cli");

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.tokengate");
    assertThat(classes).as("main classes imported").hasSizeGreaterThan(100);
  }

  @Test
  @DisplayName("no package imports one that imports it back (directly or round a longer cycle)")
  void noCycles() {
    slices().matching("io.tokengate.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  @DisplayName("nothing imports io.vertx.core.internal (not a public API)")
  void noVertxInternals() {
    noClasses().should().dependOnClassesThat().resideInAPackage("io.vertx.core.internal..").check(classes);
  }

  @Test
  @DisplayName("each package depends only on the packages below it: keys, users, revocation, config, db, http, ops, auth, web, proxy, server, cli")
  void layers() {
    for (int i = 0; i < LAYERS.size(); i++) {
      String[] above = LAYERS.subList(i + 1, LAYERS.size()).stream().map(name -> "io.tokengate." + name + "..").toArray(String[]::new);
      if (above.length > 0) {
        noClasses().that().resideInAPackage("io.tokengate." + LAYERS.get(i) + "..")
            .should().dependOnClassesThat().resideInAnyPackage(above).check(classes);
      }
    }
  }

  @Test
  @DisplayName("nothing below proxy and server imports them; only the command line and Main sit above the server")
  void topLayers() {
    noClasses().that().resideOutsideOfPackages("io.tokengate.proxy..", "io.tokengate.server..", "io.tokengate.cli..")
        .and().resideOutsideOfPackage("io.tokengate")
        .should().dependOnClassesThat().resideInAnyPackage("io.tokengate.proxy..").check(classes);
    noClasses().that().resideOutsideOfPackages("io.tokengate.server..", "io.tokengate.cli..").and().resideOutsideOfPackage("io.tokengate")
        .should().dependOnClassesThat().resideInAnyPackage("io.tokengate.server..").check(classes);
    noClasses().that().resideOutsideOfPackages("io.tokengate.cli..").and().resideOutsideOfPackage("io.tokengate")
        .should().dependOnClassesThat().resideInAnyPackage("io.tokengate.cli..").check(classes);
    noClasses().that().resideOutsideOfPackage("io.tokengate")
        .should().dependOnClassesThat().resideInAPackage("io.tokengate").check(classes);
  }

}
