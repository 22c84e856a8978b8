package io.tokengate.ops;

import io.netty.util.Version;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Netty on the class path is the pinned one (pom.xml imports netty-bom before Vert.x's stack). */
class NettyVersionTest {

  @Test
  @DisplayName("every Netty artifact on the class path is 4.2.18.Final, not Vert.x 5.0.7's 4.2.9")
  void nettyIsPinned() {
    Map<String, Version> versions = Version.identify();
    assertThat(versions).containsKeys("netty-common", "netty-codec-http", "netty-codec-http2", "netty-handler", "netty-transport");
    assertThat(versions.values()).allSatisfy(version ->
        assertThat(version.artifactVersion()).as(version.artifactId()).isEqualTo("4.2.18.Final"));
  }
}
