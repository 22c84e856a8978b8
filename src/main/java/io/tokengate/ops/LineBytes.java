package io.tokengate.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;

/**
 * A growable byte buffer that log lines are written into as UTF-8, with JSON string escaping and
 * the two timestamps the log formats use. Formatted seconds are cached: a line costs a few copies,
 * no {@code String} or {@code Instant}. Not thread-safe: one per writer thread.
 */
final class LineBytes {

  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private byte[] bytes = new byte[8192];
  private int length;
  private long isoSecond = Long.MIN_VALUE;
  private final byte[] isoPrefix = new byte[19];   // yyyy-MM-ddTHH:mm:ss (UTC)
  private long localSecond = Long.MIN_VALUE;
  private final byte[] localPrefix = new byte[8];  // HH:mm:ss (the JVM's time zone)

  int length() {
    return length;
  }

  void reset() {
    length = 0;
  }

  /** Forgets what was written after {@code length} (a line that did not fit). */
  void truncate(int length) {
    this.length = length;
  }

  int capacity() {
    return bytes.length;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  void writeTo(OutputStream out) throws IOException {
    out.write(bytes, 0, length);
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }

  LineBytes ascii(char c) {
    ensure(1);
    bytes[length++] = (byte) c;
    return this;
  }

  /** {@code text} known to be ASCII (names, constants): one bulk copy of its low bytes. */
  LineBytes ascii(String text) {
    return ascii(text, text.length());
  }

  /** The first {@code n} characters of {@code text}, known to be ASCII. */
  @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) is exact for ASCII, and a plain array copy
  private LineBytes ascii(String text, int n) {
    ensure(n);
    text.getBytes(0, n, bytes, length);
    length += n;
    return this;
  }

  /** Bytes already encoded (constant parts of a line). */
  LineBytes raw(byte[] encoded) {
    ensure(encoded.length);
    System.arraycopy(encoded, 0, bytes, length, encoded.length);
    length += encoded.length;
    return this;
  }

  LineBytes number(long value) {
    if (value == Long.MIN_VALUE) {
      return ascii(Long.toString(value));
    }
    if (value < 0) {
      ascii('-');
      value = -value;
    }
    int digits = 1;
    for (long bound = 10; digits < 19 && value >= bound; bound *= 10) {
      digits++;
    }
    ensure(digits);
    int end = length + digits;
    for (int i = end - 1; i >= length; i--) {
      long next = value / 10;
      bytes[i] = (byte) ('0' + (value - next * 10));
      value = next;
    }
    length = end;
    return this;
  }

  /** Hundredths as a decimal the way {@link Double#toString} prints them: 12.0, 1.5, 0.05. */
  LineBytes hundredths(long hundredths) {
    number(hundredths / 100).ascii('.');
    int fraction = (int) (hundredths % 100);
    if (fraction % 10 == 0) {
      return ascii((char) ('0' + fraction / 10));
    }
    return ascii((char) ('0' + fraction / 10)).ascii((char) ('0' + fraction % 10));
  }

  /** {@code text} as a JSON string, quotes included. */
  LineBytes jsonString(String text) {
    ascii('"');
    int n = text.length();
    int clean = cleanPrefix(text, true);
    ascii(text, clean);
    for (int i = clean; i < n; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        ascii(c);
      } else if (c == '"' || c == '\\') {
        ascii('\\').ascii(c);
      } else if (c < 0x20 || c == 0x7f) {
        ascii("\\u00").ascii((char) HEX[c >> 4]).ascii((char) HEX[c & 0xf]);
      } else {
        i = utf8(text, i);
      }
    }
    return ascii('"');
  }

  /** {@code text} as UTF-8, control characters replaced by {@code ?} so that a value cannot start a line of its own. */
  LineBytes plain(String text) {
    int n = text.length();
    int clean = cleanPrefix(text, false);
    ascii(text, clean);
    for (int i = clean; i < n; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        ascii(c);
      } else if (c < 0x20 || c == 0x7f) {
        ascii('?');
      } else {
        i = utf8(text, i);
      }
    }
    return this;
  }

  /** How many leading characters of {@code text} are printable ASCII needing no escape (for JSON: no {@code "} or {@code \\}). */
  private static int cleanPrefix(String text, boolean json) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c >= 0x7f || json && (c == '"' || c == '\\')) {
        return i;
      }
    }
    return n;
  }

  /** Writes the non-ASCII character at {@code i} (a surrogate pair counts as one); returns the last index used. */
  private int utf8(String text, int i) {
    char c = text.charAt(i);
    ensure(4);
    if (c < 0x800) {
      bytes[length++] = (byte) (0xc0 | c >> 6);
      bytes[length++] = (byte) (0x80 | c & 0x3f);
      return i;
    }
    if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
      int cp = Character.toCodePoint(c, text.charAt(i + 1));
      bytes[length++] = (byte) (0xf0 | cp >> 18);
      bytes[length++] = (byte) (0x80 | cp >> 12 & 0x3f);
      bytes[length++] = (byte) (0x80 | cp >> 6 & 0x3f);
      bytes[length++] = (byte) (0x80 | cp & 0x3f);
      return i + 1;
    }
    if (Character.isSurrogate(c)) {
      bytes[length++] = (byte) '?';
      return i;
    }
    bytes[length++] = (byte) (0xe0 | c >> 12);
    bytes[length++] = (byte) (0x80 | c >> 6 & 0x3f);
    bytes[length++] = (byte) (0x80 | c & 0x3f);
    return i;
  }

  /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC (what {@link java.time.Instant#parse} reads). */
  LineBytes isoTime(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    if (second != isoSecond) {
      isoSecond = second;
      String text = ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(second), ZoneOffset.UTC).toLocalDateTime().toString();
      // LocalDateTime prints no seconds when they are zero
      copyAscii(text.length() == 16 ? text + ":00" : text, isoPrefix);
    }
    ensure(24);
    System.arraycopy(isoPrefix, 0, bytes, length, isoPrefix.length);
    length += isoPrefix.length;
    return millis(epochMillis).ascii('Z');
  }

  /** {@code HH:mm:ss.SSS} in the JVM's time zone (logback's {@code %d{HH:mm:ss.SSS}}). */
  LineBytes localTime(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    if (second != localSecond) {
      localSecond = second;
      LocalTime time = ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(second), ZoneId.systemDefault()).toLocalTime();
      copyAscii(String.format("%02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond()), localPrefix);
    }
    ensure(12);
    System.arraycopy(localPrefix, 0, bytes, length, localPrefix.length);
    length += localPrefix.length;
    return millis(epochMillis);
  }

  private LineBytes millis(long epochMillis) {
    int millis = (int) Math.floorMod(epochMillis, 1000);
    return ascii('.').ascii((char) ('0' + millis / 100)).ascii((char) ('0' + millis / 10 % 10)).ascii((char) ('0' + millis % 10));
  }

  private static void copyAscii(String text, byte[] target) {
    for (int i = 0; i < target.length; i++) {
      target[i] = (byte) text.charAt(i);
    }
  }
}
