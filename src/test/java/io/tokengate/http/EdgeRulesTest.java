package io.tokengate.http;

import io.tokengate.server.AllowedHosts;
import io.tokengate.config.ConfigException;
import io.tokengate.config.GatewayConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vertx.core.http.HttpHeaders.CONTENT_LENGTH;
import static io.vertx.core.http.HttpHeaders.TRANSFER_ENCODING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure edge rules: request and answer framing, allowed hosts, and their configuration. */
@DisplayName("Edge rules: framing, allowed hosts, allow_encoded_slashes and http.allowed_hosts config")
class EdgeRulesTest {

  private static MultiMap headers(String... pairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  @Test
  @DisplayName("request framing: one reading only")
  void requestFraming() {
    HttpVersion v11 = HttpVersion.HTTP_1_1;
    assertThat(RequestFraming.unambiguous(v11, headers(), false)).isTrue();
    assertThat(RequestFraming.unambiguous(v11, headers("Content-Length", "5"), false)).isTrue();
    assertThat(RequestFraming.unambiguous(v11, headers("Transfer-Encoding", "Chunked"), false)).isTrue();
    assertThat(RequestFraming.unambiguous(v11, headers("Transfer-Encoding", "chunked", "Content-Length", "4"), false)).isFalse();
    assertThat(RequestFraming.unambiguous(HttpVersion.HTTP_1_0, headers("Transfer-Encoding", "chunked"), false)).isFalse();
    assertThat(RequestFraming.unambiguous(v11, headers("Transfer-Encoding", "gzip, chunked"), false)).isFalse();
    assertThat(RequestFraming.unambiguous(v11, headers("Transfer-Encoding", "chunked", "Transfer-Encoding", "chunked"), false)).isFalse();
    assertThat(RequestFraming.unambiguous(v11, headers("Content-Length", "5", "Content-Length", "5"), false)).isFalse();
    assertThat(RequestFraming.unambiguous(v11, headers("Content-Length", "+5"), false)).isFalse();
    assertThat(RequestFraming.unambiguous(v11, headers("Content-Length", "5"), true)).isFalse();
    assertThat(RequestFraming.unambiguous(v11, headers("Content-Length", "0"), true)).isTrue();
    assertThat(RequestFraming.unambiguous(v11, headers("Transfer-Encoding", "chunked"), true)).isFalse();
  }

  @Test
  @DisplayName("answer framing: both lengths, a length that is not one decimal, or another coding is ambiguous")
  void responseFraming() {
    assertThat(RequestFraming.ambiguousResponse(headers(CONTENT_LENGTH.toString(), "2"))).isFalse();
    assertThat(RequestFraming.ambiguousResponse(headers(TRANSFER_ENCODING.toString(), "chunked"))).isFalse();
    assertThat(RequestFraming.ambiguousResponse(headers())).isFalse();
    assertThat(RequestFraming.ambiguousResponse(headers("Transfer-Encoding", "chunked", "Content-Length", "4"))).isTrue();
    assertThat(RequestFraming.ambiguousResponse(headers("Content-Length", "2, 40"))).isTrue();
    assertThat(RequestFraming.ambiguousResponse(headers("Content-Length", "-1"))).isTrue();
    assertThat(RequestFraming.ambiguousResponse(headers("Transfer-Encoding", "gzip"))).isTrue();
  }

  @Test
  @DisplayName("allowed hosts: name with any port, name:port exactly, case-insensitive; empty allows any")
  void allowedHosts() {
    AllowedHosts hosts = new AllowedHosts(List.of("API.example.com", "127.0.0.1:8000", "[::1]"));
    assertThat(hosts.allows("api.example.com")).isTrue();
    assertThat(hosts.allows("Api.Example.Com:443")).isTrue();
    assertThat(hosts.allows("127.0.0.1:8000")).isTrue();
    assertThat(hosts.allows("[::1]:8000")).isTrue();
    assertThat(hosts.allows("127.0.0.1:8001")).isFalse();
    assertThat(hosts.allows("127.0.0.1")).isFalse();
    assertThat(hosts.allows("evil.example")).isFalse();
    assertThat(hosts.allows("api.example.com.evil.example")).isFalse();
    assertThat(hosts.allows(null)).isFalse();
    assertThat(new AllowedHosts(List.of()).allows("anything")).isTrue();
    assertThat(new AllowedHosts(List.of()).allows(null)).isTrue();
  }

  @Test
  @DisplayName("config: http.allowed_hosts defaults to empty, a bad entry stops start-up naming the key; allow_encoded_slashes defaults off")
  void config() {
    GatewayConfig defaults = GatewayConfig.fromJson(new JsonObject());
    assertThat(defaults.http().allowedHosts()).isEmpty();
    GatewayConfig set = GatewayConfig.fromJson(new JsonObject()
        .put("http", new JsonObject().put("allowed_hosts", new JsonArray().add("api.example.com").add("localhost:8000")))
        .put("routes", new JsonArray()
            .add(new JsonObject().put("name", "a").put("path", "/a/").put("upstream", "http://127.0.0.1:9001"))
            .add(new JsonObject().put("name", "b").put("path", "/b/").put("upstream", "http://127.0.0.1:9001")
                .put("allow_encoded_slashes", true))));
    assertThat(set.http().allowedHosts()).containsExactly("api.example.com", "localhost:8000");
    assertThat(set.routes().get(0).allowEncodedSlashes()).isFalse();
    assertThat(set.routes().get(1).allowEncodedSlashes()).isTrue();
    assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject()
        .put("http", new JsonObject().put("allowed_hosts", new JsonArray().add("evil.example/x")))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.allowed_hosts");
  }
}
