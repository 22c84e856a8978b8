package io.tokengate.http;

import io.netty.util.AsciiString;

import java.util.Arrays;
import java.util.Map;

/**
 * A fixed, case-insensitive table of header names (ASCII), read once per header on the proxy's
 * path: one case-insensitive hash ({@link AsciiString#hashCode(CharSequence)}, as Vert.x's and
 * Netty's header maps use) and, on a hit, one case-insensitive compare. No allocation, no
 * {@code TreeMap} walk of {@code compareToIgnoreCase} calls. Immutable, thread-safe.
 *
 * @param <V> what a name stands for
 */
public final class HeaderNames<V> {

  private final String[] names;
  private final Object[] values;
  private final int mask;

  private HeaderNames(Map<String, V> entries) {
    int size = Integer.highestOneBit(Math.max(4, entries.size() * 4 - 1)) << 1;
    names = new String[size];
    values = new Object[size];
    mask = size - 1;
    entries.forEach((name, value) -> {
      int i = AsciiString.hashCode(name) & mask;
      while (names[i] != null) {
        if (AsciiString.contentEqualsIgnoreCase(names[i], name)) {
          throw new IllegalArgumentException("header name twice: " + name);
        }
        i = i + 1 & mask;
      }
      names[i] = name;
      values[i] = value;
    });
  }

  /** A table of {@code entries} (names compared without case). */
  public static <V> HeaderNames<V> of(Map<String, V> entries) {
    return new HeaderNames<>(entries);
  }

  /** What {@code name} stands for, compared without case; null when it is not in the table. */
  @SuppressWarnings("unchecked")
  public V get(CharSequence name) {
    int i = AsciiString.hashCode(name) & mask;
    for (String candidate = names[i]; candidate != null; candidate = names[i]) {
      if (candidate.length() == name.length() && AsciiString.contentEqualsIgnoreCase(candidate, name)) {
        return (V) values[i];
      }
      i = i + 1 & mask;
    }
    return null;
  }

  /** Whether {@code name} is in the table. */
  public boolean contains(CharSequence name) {
    return get(name) != null;
  }

  @Override
  public String toString() {
    return Arrays.stream(names).filter(n -> n != null).sorted().toList().toString();
  }
}
