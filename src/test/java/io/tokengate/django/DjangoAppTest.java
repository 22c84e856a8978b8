package io.tokengate.django;

import io.tokengate.support.DjangoApp;
import io.tokengate.support.Poll;
import io.tokengate.support.TestDatabase;
import io.tokengate.support.TestGateway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The live-Django test support: a clear failure when Django is missing, nothing left running after close. */
class DjangoAppTest {

  @Test
  @DisplayName("missing Django packages fail with the apt-get line to run, never a skip")
  void missingPackagesNamed() {
    assertThatThrownBy(() -> DjangoApp.requireInstalled(DjangoApp.PYTHON, "/nonexistent/gunicorn"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/nonexistent/gunicorn not found")
        .hasMessageContaining("apt-get install -y " + DjangoApp.PACKAGES);
    assertThatThrownBy(() -> DjangoApp.requireInstalled("/bin/false", DjangoApp.GUNICORN))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Django is not installed");
  }

  @Test
  @DisplayName("close stops gunicorn's master and workers and frees the port (closing twice is harmless)")
  void closeStopsTheProcessTree() {
    try (TestDatabase database = TestDatabase.create(); DjangoApp django = DjangoApp.start(database, TestGateway.SIGNING_KEY)) {
      List<ProcessHandle> processes = django.processes();
      int port = django.port();
      assertThat(processes).as("master and a worker").hasSizeGreaterThanOrEqualTo(2).allMatch(ProcessHandle::isAlive);
      assertThat(answers(port)).isTrue();
      django.close();
      Poll.until(Duration.ofSeconds(15), "Django's processes to exit", () -> processes.stream().noneMatch(ProcessHandle::isAlive));
      assertThat(answers(port)).isFalse();
    }
  }

  private static boolean answers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
