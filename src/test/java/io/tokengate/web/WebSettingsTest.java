package io.tokengate.web;

import io.tokengate.config.ConfigException;
import io.tokengate.config.GatewayConfig;
import io.tokengate.config.WebConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The web: settings and what the homepage derives from the configuration. */
class WebSettingsTest {

  private static GatewayConfig config(JsonObject json) {
    return GatewayConfig.fromJson(json);
  }

  private static JsonObject route(String name, String path, String upstream) {
    return new JsonObject().put("name", name).put("path", path).put("upstream", upstream);
  }

  @Test
  @DisplayName("without a web section the defaults apply")
  void defaults() {
    assertThat(config(new JsonObject()).web())
        .isEqualTo(new WebConfig("", "webroot", Duration.ofHours(1), ""));
  }

  @Test
  @DisplayName("a demo_path that is not an absolute path stops start-up naming the key")
  void badDemoPath() {
    for (String bad : new String[] {"api/hello/", "//evil.example/", "/api/../token/"}) {
      assertThatThrownBy(() -> config(new JsonObject().put("web", new JsonObject().put("demo_path", bad))))
          .isInstanceOf(ConfigException.class).hasMessageStartingWith("web.demo_path: ");
    }
  }

  @Test
  @DisplayName("an unknown key or a negative max age in web: stops start-up naming the key")
  void badKeys() {
    assertThatThrownBy(() -> config(new JsonObject().put("web", new JsonObject().put("webrot", "x"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("web.webrot: unknown key");
    assertThatThrownBy(() -> config(new JsonObject().put("web", new JsonObject().put("asset_max_age", "-PT1S"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("web.asset_max_age: ");
  }

  @Test
  @DisplayName("the Call API path is web.demo_path, else the first route to the demo upstream, else none")
  void demoPath() {
    JsonArray routes = new JsonArray()
        .add(route("other", "/api/other/", "http://127.0.0.1:9001"))
        .add(route("hello", "/api/hello/", "demo"))
        .add(route("hello2", "/api/hello2/", "demo"));
    assertThat(HomepageRoutes.demoPath(config(new JsonObject().put("routes", routes)))).isEqualTo("/api/hello/");
    assertThat(HomepageRoutes.demoPath(config(new JsonObject().put("routes", routes)
        .put("web", new JsonObject().put("demo_path", "/api/other/"))))).isEqualTo("/api/other/");
    assertThat(HomepageRoutes.demoPath(config(new JsonObject().put("routes", new JsonArray()
        .add(route("other", "/api/other/", "http://127.0.0.1:9001")))))).isEmpty();
  }

  @Test
  @DisplayName("the page names the demo user in dev mode only")
  void demoUserOnlyInDev() {
    JsonObject prod = new JsonObject().put("mode", "prod").put("http", new JsonObject().put("host", "127.0.0.1"))
        .put("database", new JsonObject().put("url", "postgresql://u@127.0.0.1/db"))
        .put("jwt", new JsonObject().put("signing_key", "k".repeat(32)));
    assertThat(HomepageRoutes.indexContext(config(new JsonObject())).getString("demoUser")).isEqualTo("demo");
    assertThat(HomepageRoutes.indexContext(config(prod)).getString("demoUser")).isEmpty();
    assertThat(HomepageRoutes.indexContext(config(prod)).getString("mode")).isEqualTo("prod");
  }

  @Test
  @DisplayName("dev mode reads templates from the source tree when run from the project folder, else from templates/")
  void templatesDir() {
    JsonObject prod = new JsonObject().put("mode", "prod").put("http", new JsonObject().put("host", "127.0.0.1"))
        .put("database", new JsonObject().put("url", "postgresql://u@127.0.0.1/db"))
        .put("jwt", new JsonObject().put("signing_key", "k".repeat(32)));
    assertThat(PageRenderer.templatesDir(config(new JsonObject()))).isEqualTo("src/main/resources/templates");
    assertThat(PageRenderer.templatesDir(config(prod))).isEqualTo("templates");
    assertThat(PageRenderer.templatesDir(config(new JsonObject().put("web", new JsonObject().put("templates_dir", "/srv/t")))))
        .isEqualTo("/srv/t");
  }
}
