package io.tokengate.ops;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LineBytesTest {

  private static String text(LineBytes line) {
    return new String(line.toByteArray(), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("numbers print as Long.toString prints them, at every digit count and both ends of the range")
  void numbers() {
    long[] values = {0, 7, 9, 10, 99, 100, 101, 999_999, 1_000_000, 4_294_967_296L, 999_999_999_999_999_999L,
        1_000_000_000_000_000_000L, Long.MAX_VALUE, -1, -10, -123_456, Long.MIN_VALUE};
    for (long value : values) {
      LineBytes line = new LineBytes();
      line.ascii('<').number(value).ascii('>');
      assertThat(text(line)).as("%d", value).isEqualTo("<" + value + ">");
    }
  }

  @Test
  @DisplayName("strings: a clean run is copied whole, then quotes, backslashes, control and non-ASCII characters are escaped or encoded")
  void strings() {
    LineBytes json = new LineBytes();
    json.jsonString("plain/path-1.2").ascii(',').jsonString("ab\"c\\d\u0001\u00e9\u20ac\ud83d\ude00z").ascii(',').jsonString("");
    assertThat(text(json)).isEqualTo("\"plain/path-1.2\",\"ab\\\"c\\\\d\\u0001\u00e9\u20ac\ud83d\ude00z\",\"\"");

    LineBytes plain = new LineBytes();
    plain.plain("GET").ascii(' ').plain("/a\nb\u007f\u00e4").ascii(' ').plain("");
    assertThat(text(plain)).isEqualTo("GET /a?b?\u00e4 ");
  }

  @Test
  @DisplayName("a line longer than the buffer grows it, bulk copies included")
  void grows() {
    String long1 = "x".repeat(20_000);
    LineBytes line = new LineBytes();
    line.ascii(long1).jsonString(long1).plain(long1);
    assertThat(text(line)).isEqualTo(long1 + "\"" + long1 + "\"" + long1);
  }
}
