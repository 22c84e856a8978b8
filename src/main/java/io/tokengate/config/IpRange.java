package io.tokengate.config;

import io.netty.util.NetUtil;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}), or one
 * address ({@code 10.1.2.3}, {@code ::1}, a full-length prefix). Parsing never resolves a name:
 * only address literals are accepted. An IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3}) counts
 * as its IPv4 address. Immutable.
 */
public final class IpRange {

  private final byte[] network;
  private final int prefix;

  private IpRange(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /** The range, or {@code null} when {@code text} is not an address literal with an optional {@code /prefix}. */
  public static IpRange parse(String text) {
    String value = text.strip();
    int slash = value.indexOf('/');
    byte[] address = bytes(slash < 0 ? value : value.substring(0, slash));
    if (address == null) {
      return null;
    }
    int prefix = address.length * 8;
    if (slash >= 0) {
      String bits = value.substring(slash + 1);
      if (!bits.matches("[0-9]{1,3}") || Integer.parseInt(bits) > prefix) {
        return null;
      }
      prefix = Integer.parseInt(bits);
    }
    return new IpRange(mask(address, prefix), prefix);
  }

  /** The bytes of an address literal (4 for IPv4 and IPv4-mapped IPv6, 16 for IPv6), or {@code null}; no name lookup. */
  public static byte[] bytes(String literal) {
    String value = literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
    if (value.isEmpty() || value.indexOf('%') >= 0) {
      return null;
    }
    byte[] address = NetUtil.createByteArrayFromIpAddressString(value);
    if (address != null && address.length == 16 && isIpv4Mapped(address)) {
      return Arrays.copyOfRange(address, 12, 16);
    }
    return address;
  }

  /** True when {@code literal} is an address in this range; a name or garbage is in no range. */
  public boolean contains(String literal) {
    byte[] address = bytes(literal);
    return address != null && address.length == network.length && Arrays.equals(mask(address, prefix), network);
  }

  /** True for 127.0.0.0/8, ::1 and {@code localhost}: the addresses only this machine can reach. */
  public static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    byte[] address = bytes(host);
    if (address == null) {
      return false;
    }
    if (address.length == 4) {
      return address[0] == 127;
    }
    for (int i = 0; i < 15; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[15] == 1;
  }

  private static boolean isIpv4Mapped(byte[] address) {
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] masked = address.clone();
    for (int i = 0; i < masked.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      masked[i] = (byte) (masked[i] & (0xff << (8 - keep)));
    }
    return masked;
  }

  @Override
  public String toString() {
    return NetUtil.bytesToIpAddress(network) + "/" + prefix;
  }
}
