package io.tokengate.web;

import io.tokengate.support.HeadlessChrome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;

/**
 * A fresh headless Chromium per test (Debian's, see {@link HeadlessChrome}) and the small page
 * helpers the browser tests share. Subclasses start their gateway and say which port serves the page.
 */
abstract class BrowserTest {

  protected HeadlessChrome chrome;
  protected ChromeDriver driver;
  protected WebDriverWait wait;

  /** The port of the gateway that serves the page under test. */
  protected abstract int gatewayPort();

  @BeforeEach
  void openBrowser() {
    chrome = HeadlessChrome.start(1280, 900);
    driver = chrome.driver();
    wait = new WebDriverWait(driver, Duration.ofSeconds(15), Duration.ofMillis(100));
  }

  @AfterEach
  void closeBrowser() {
    if (chrome != null) {
      chrome.close();
    }
  }

  protected String url(String path) {
    return "http://127.0.0.1:" + gatewayPort() + path;
  }

  protected void type(String id, String value) {
    WebElement input = driver.findElement(By.id(id));
    input.clear();
    input.sendKeys(value);
  }

  /** The element's text content, trimmed ("" when empty). */
  protected String text(String id) {
    String value = driver.findElement(By.id(id)).getDomProperty("textContent");
    return value == null ? "" : value.strip();
  }

  protected Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Browser console lines about the Content-Security-Policy refusing something. */
  protected List<String> noCspViolations() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::getMessage)
        .filter(message -> message.contains("Content Security Policy") || message.contains("Refused to"))
        .toList();
  }
}
