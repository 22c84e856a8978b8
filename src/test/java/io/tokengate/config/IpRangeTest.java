package io.tokengate.config;

import org.junit.jupiter.api.DisplayName;
import io.tokengate.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("IP ranges for http.trusted_proxies")
class IpRangeTest {

  @Test
  @DisplayName("IPv4 and IPv6 CIDR ranges and single addresses match exactly their addresses")
  void contains() {
    IpRange v4 = IpRange.parse("10.20.0.0/16");
    assertThat(v4.contains("10.20.0.1")).isTrue();
    assertThat(v4.contains("10.20.255.254")).isTrue();
    assertThat(v4.contains("10.21.0.1")).isFalse();
    assertThat(v4.contains("::ffff:10.20.3.4")).as("IPv4-mapped IPv6").isTrue();
    assertThat(v4.contains("fd00::1")).isFalse();
    assertThat(IpRange.parse("192.168.1.77/30").contains("192.168.1.79")).isTrue();
    assertThat(IpRange.parse("192.168.1.77/30").contains("192.168.1.80")).isFalse();

    IpRange v6 = IpRange.parse("2001:db8:abcd::/48");
    assertThat(v6.contains("2001:db8:abcd:12::1")).isTrue();
    assertThat(v6.contains("[2001:db8:abcd::7]")).isTrue();
    assertThat(v6.contains("2001:db8:abce::1")).isFalse();
    assertThat(v6.contains("10.20.0.1")).isFalse();

    IpRange single = IpRange.parse("127.0.0.1");
    assertThat(single.contains("127.0.0.1")).isTrue();
    assertThat(single.contains("127.0.0.2")).isFalse();
    assertThat(IpRange.parse("::1").contains("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(IpRange.parse("0.0.0.0/0").contains("203.0.113.9")).isTrue();
    assertThat(single.contains("localhost")).as("names are never resolved").isFalse();
    assertThat(single.contains("garbage")).isFalse();
  }

  @Test
  @DisplayName("only address literals with a prefix no longer than the address parse; a bad entry stops start-up naming it")
  void parse() {
    for (String bad : new String[] {"", "localhost", "proxy.internal", "10.0.0.0/33", "::/129", "10.0.0.1/-1", "10.0.0.1/", "999.1.1.1",
        "10.0.0", "fe80::1%eth0", "10.0.0.0/8/8"}) {
      assertThat(IpRange.parse(bad)).as(bad).isNull();
    }
    assertThat(IpRange.parse(" 10.0.0.9/8 ").toString()).isEqualTo("10.0.0.0/8");
    assertThatThrownBy(() -> TestGateway.config(new JsonObject()
            .put("http", new JsonObject().put("trusted_proxies", new JsonArray().add("10.0.0.1").add("proxy.lan")))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("http.trusted_proxies[1]: not an IP address or CIDR range: \"proxy.lan\"");
  }

  @Test
  @DisplayName("loopback: 127.0.0.0/8, ::1 and localhost only")
  void loopback() {
    assertThat(IpRange.isLoopback("127.0.0.1")).isTrue();
    assertThat(IpRange.isLoopback("127.200.0.1")).isTrue();
    assertThat(IpRange.isLoopback("::1")).isTrue();
    assertThat(IpRange.isLoopback("[::1]")).isTrue();
    assertThat(IpRange.isLoopback("LOCALHOST")).isTrue();
    assertThat(IpRange.isLoopback("0.0.0.0")).isFalse();
    assertThat(IpRange.isLoopback("::")).isFalse();
    assertThat(IpRange.isLoopback("128.0.0.1")).isFalse();
    assertThat(IpRange.isLoopback("localhost.example.com")).isFalse();
  }
}
