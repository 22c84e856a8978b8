package io.tokengate.http;

import io.vertx.core.http.HttpHeaders;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeaderNamesTest {

  @Test
  @DisplayName("names are found whatever their case, as String or AsciiString; others, prefixes and longer names are not")
  void lookup() {
    HeaderNames<Integer> table = HeaderNames.of(Map.of("connection", 1, "TE", 2, "X-Request-Id", 3, "transfer-encoding", 4));
    assertThat(table.get("Connection")).isEqualTo(1);
    assertThat(table.get("CONNECTION")).isEqualTo(1);
    assertThat(table.get("te")).isEqualTo(2);
    assertThat(table.get(HttpHeaders.createOptimized("x-request-ID"))).isEqualTo(3);
    assertThat(table.get(HttpHeaders.TRANSFER_ENCODING)).isEqualTo(4);
    assertThat(table.get("t")).isNull();
    assertThat(table.get("tee")).isNull();
    assertThat(table.get("connection ")).isNull();
    assertThat(table.get("x_request_id")).isNull();
    assertThat(table.get("")).isNull();
    assertThat(table.contains("Te")).isTrue();
    assertThat(table.contains("Host")).isFalse();
  }

  @Test
  @DisplayName("a full table of many names still finds each one (collisions probe on)")
  void many() {
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      names.put("X-Header-" + i, i);
    }
    HeaderNames<Integer> table = HeaderNames.of(names);
    for (int i = 0; i < 200; i++) {
      assertThat(table.get("x-header-" + i)).isEqualTo(i);
    }
    assertThat(table.get("x-header-200")).isNull();
  }

  @Test
  @DisplayName("a name given twice in different case is refused")
  void twice() {
    assertThatThrownBy(() -> HeaderNames.of(Map.of("Host", 1, "host", 2))).isInstanceOf(IllegalArgumentException.class);
  }
}
