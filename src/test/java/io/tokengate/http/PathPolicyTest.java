package io.tokengate.http;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("PathPolicy: raw paths refused before routing")
class PathPolicyTest {

  private final PathPolicy policy = new PathPolicy(List.of(
      new PathPolicy.Prefix("/p/", false),
      new PathPolicy.Prefix("/files/", true),
      new PathPolicy.Prefix("/files/private/", false)));

  @ParameterizedTest
  @ValueSource(strings = {"/p/..;/api/hello/", "/p/..%2Fapi/hello/", "/p/..%5capi%5chello/", "/p/..\\api\\hello/",
      "/p/..%2f..%2fapi/hello/", "/p/x;jsessionid=1", "/p/%2e%2e/api/", "/p/%2E./api", "/p/a%00b", "/api/token/..;/",
      "/;x", "/%2F", "/p/%", "/p/%2", "/files/a;b", "/files/%2e%2e%2fp/", "/files/..%2Fp", "/files/a%2F.%2Fb",
      "/files/private%2Fsecret", "/files/private%5Csecret"})
  @DisplayName("refused: ';', '\\\\', %00, %2e, encoded slashes off their route, truncated escapes")
  void refused(String path) {
    assertThat(policy.allows(path)).as(path).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/p/x", "/p/a%20b/c", "/api/token/", "/p/%41", "/files/a%2Fb", "/files/a%2fb%5Cc",
      "/files/private/x"})
  @DisplayName("allowed: ordinary paths and escapes, encoded slashes on a route that allows them")
  void allowed(String path) {
    assertThat(policy.allows(path)).as(path).isTrue();
  }

  @Test
  @DisplayName("no route allows encoded slashes: none pass anywhere")
  void noAllowingRoute() {
    PathPolicy strict = new PathPolicy(List.of(new PathPolicy.Prefix("/files/", false)));
    assertThat(strict.allows("/files/a%2Fb")).isFalse();
    assertThat(strict.allows("/files/a%20b")).isTrue();
  }
}
