package io.tokengate.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * {@code --version}: the versions Maven wrote into {@code io/tokengate/build.properties} at build
 * time (a filtered resource, so the pom's version is the only one), and the running Java.
 */
public final class BuildVersion implements IVersionProvider {

  static final String RESOURCE = "/io/tokengate/build.properties";

  /** The project's version from the build, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return properties().getProperty("version");
  }

  private static Properties properties() {
    Properties properties = new Properties();
    try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing: build with Maven");
      }
      properties.load(in);
      return properties;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    Properties build = properties();
    return new String[] {
        "tokengate " + build.getProperty("version"),
        "Vert.x " + build.getProperty("vertx.version") + ", Java " + System.getProperty("java.version")
            + " (" + System.getProperty("java.vm.name") + ")"
    };
  }
}
