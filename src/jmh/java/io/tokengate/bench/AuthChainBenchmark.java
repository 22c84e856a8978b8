package io.tokengate.bench;

import io.tokengate.auth.TokenClaims;
import io.tokengate.auth.TokenCodec;
import io.tokengate.config.GatewayConfig;
import io.tokengate.revocation.Revocations;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The per-request auth work of a protected route, without network and without a router: the same
 * steps, in the same order, as {@code io.tokengate.proxy.AccessTokenHandler} (package-private, and
 * it needs a live {@code RoutingContext}, so it is re-traced here rather than called):
 * {@code Authorization} header split and type check, the gateway's {@code JWTAuth}
 * ({@code TokenCodec.auth()}: header check, signature, exp/iat/nbf), then {@code exp} present,
 * {@code jti} + {@code token_type} = access, a user id, and the {@link Revocations} lookup against a
 * denylist holding {@code revokedTokens} jtis and {@code revokedUsers} users.
 *
 * <p>Not covered: vertx-web's routing and {@code JWTAuthHandler}'s own context plumbing, the
 * access log, identity headers and the proxy itself (the Router built by {@code RouterFactory}
 * needs a real {@code HttpServerRequest}; measure that end to end with the Gatling or wrk harness).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuthChainBenchmark {

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  @Param({"0", "10000"})
  public int revokedTokens;

  @Param({"0", "1000"})
  public int revokedUsers;

  private Vertx vertx;
  private TokenCodec codec;
  private Revocations revocations;
  private List<String> headerTypes;
  private String userIdClaim;
  private String header;

  @Setup(Level.Trial)
  public void setUp() {
    vertx = Vertx.vertx();
    GatewayConfig config = BenchConfig.load(vertx, new JsonObject());
    codec = new TokenCodec(vertx, config.jwt());
    headerTypes = config.jwt().authHeaderTypes();
    userIdClaim = config.jwt().userIdClaim();
    revocations = new Revocations(userIdClaim);
    long far = System.currentTimeMillis() / 1000 + 86_400;
    for (int i = 0; i < revokedTokens; i++) {
      revocations.apply(new JsonObject().put("kind", "jti").put("value", TokenClaims.newJti()).put("expires", far));
    }
    for (int i = 0; i < revokedUsers; i++) {
      // other users than the token's, logged out everywhere: the lookup must miss
      revocations.apply(new JsonObject().put("kind", "user").put("value", "u" + i).put("reason", "revoked")
          .put("not_before", far - 86_400).put("expires", far));
    }
    header = "Bearer " + codec.sign(TokenVerifyBenchmark.accessPayload());
    if (!authorize(header)) {
      throw new IllegalStateException("the benchmark request is refused");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    vertx.close().await();
  }

  @Benchmark
  public boolean protectedRequest() {
    return authorize(header);
  }

  /** True if a request with this Authorization header may pass to the upstream. */
  private boolean authorize(String authorization) {
    String[] parts = authorization == null ? new String[0] : WHITESPACE.split(authorization.strip());
    if (parts.length != 2 || !headerTypes.contains(parts[0])) {
      return false;
    }
    User user = codec.auth().authenticate(new TokenCredentials(parts[1])).result();
    if (user == null) {
      return false;
    }
    JsonObject claims = TokenCodec.claimsOf(user);
    if (!(claims.getValue("exp") instanceof Number)) {
      return false;
    }
    TokenClaims.requireType(claims, TokenClaims.ACCESS);
    return claims.getValue(userIdClaim) != null && revocations.check(claims) == null;
  }
}
