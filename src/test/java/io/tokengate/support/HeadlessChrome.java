package io.tokengate.support;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven by Debian's chromedriver (never downloaded), with a private
 * HOME, XDG folders and profile in a temporary folder that is deleted on close. Browser console
 * messages are recorded, so tests can check for CSP violations.
 */
public final class HeadlessChrome implements AutoCloseable {

  public static final String CHROMIUM = "/usr/bin/chromium";
  public static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  private final Path home;
  private final ChromeDriverService service;
  private final ChromeDriver driver;

  private HeadlessChrome(Path home, ChromeDriverService service, ChromeDriver driver) {
    this.home = home;
    this.service = service;
    this.driver = driver;
  }

  /** Starts a browser with a window of {@code width} x {@code height} CSS pixels. */
  public static HeadlessChrome start(int width, int height) {
    for (String binary : new String[] {CHROMIUM, CHROMEDRIVER}) {
      if (!Files.isExecutable(Path.of(binary))) {
        throw new IllegalStateException(binary + " is missing: install Debian's chromium and chromium-driver");
      }
    }
    Path home;
    try {
      home = Files.createTempDirectory("tokengate-chrome-");
      for (String dir : new String[] {"config", "cache", "data", "profile"}) {
        Files.createDirectories(home.resolve(dir));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort()
        .withEnvironment(Map.of(
            "HOME", home.toString(),
            "XDG_CONFIG_HOME", home.resolve("config").toString(),
            "XDG_CACHE_HOME", home.resolve("cache").toString(),
            "XDG_DATA_HOME", home.resolve("data").toString()))
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic", "--user-data-dir=" + home.resolve("profile"), "--window-size=" + width + "," + height,
        "--force-device-scale-factor=1", "--lang=en-US");
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    try {
      return new HeadlessChrome(home, service, new ChromeDriver(service, options));
    } catch (RuntimeException e) {
      service.stop();
      delete(home);
      throw e;
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      delete(home);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary folder is harmless
    }
  }
}
