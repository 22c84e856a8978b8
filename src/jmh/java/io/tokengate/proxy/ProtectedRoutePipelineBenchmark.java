package io.tokengate.proxy;

import io.tokengate.auth.TokenClaims;
import io.tokengate.auth.TokenCodec;
import io.tokengate.bench.BenchConfig;
import io.tokengate.bench.TokenVerifyBenchmark;
import io.tokengate.config.GatewayConfig;
import io.tokengate.ops.GatewayMetrics;
import io.tokengate.revocation.Revocations;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
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

import java.util.concurrent.TimeUnit;

/**
 * One GET on a protected route, without network, up to the point where the gateway would call the
 * upstream: a vertx-web {@link Router} with the gateway's own route chain for a route with
 * {@code auth: required} ({@link GatewayRoutes}: the path check, {@link AccessTokenHandler} with
 * {@code JWTAuthHandler} over {@code TokenCodec.auth()} and its verified-token cache,
 * {@link AdmissionHandler}: token_type/user id checks, the {@link Revocations} lookup against a
 * denylist of {@code revokedTokens} jtis and {@code revokedUsers} users), then, in place of the
 * {@link Forwarder}, an extra handler that builds the upstream's headers ({@link OutboundHeaders})
 * and answers 204; a refusal is written by the route's {@link ProxyFailureHandler}, as the gateway
 * writes it.
 *
 * <p>Requests are {@link FakeRequest}s (an in-memory request and response), so this measures
 * routing + auth + header building, not Netty, HTTP parsing, the access log or the upstream call,
 * which cost more per request than all of this: use the Gatling or wrk harness for the whole path.
 * <ul>
 *   <li>{@link #validToken}: a valid access token: the upstream's headers are built;</li>
 *   <li>{@link #badSignature}: the same token with a broken signature, answered 401;</li>
 *   <li>{@link #noToken}: no {@code Authorization} header, answered 401.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProtectedRoutePipelineBenchmark {

  private static final String PATH = "/api/bench/items";

  @Param({"0", "10000"})
  public int revokedTokens;

  @Param({"0", "1000"})
  public int revokedUsers;

  private Vertx vertx;
  private ContextInternal context;
  private Router router;
  private String valid;
  private String badSignature;

  @Setup(Level.Trial)
  public void setUp() {
    vertx = Vertx.vertx();
    context = (ContextInternal) vertx.getOrCreateContext();
    // the upstream is never called: the chain ends before the network
    GatewayConfig config = BenchConfig.load(vertx, new JsonObject().put("routes", new JsonArray()
        .add(new JsonObject().put("name", "bench").put("path", "/api/bench/").put("upstream", "http://127.0.0.1:9"))));
    TokenCodec codec = new TokenCodec(vertx, config.jwt());
    Revocations revocations = new Revocations(config.jwt().userIdClaim());
    long far = System.currentTimeMillis() / 1000 + 86_400;
    for (int i = 0; i < revokedTokens; i++) {
      revocations.apply(new JsonObject().put("kind", "jti").put("value", TokenClaims.newJti()).put("expires", far));
    }
    for (int i = 0; i < revokedUsers; i++) {
      // other users than the token's, logged out everywhere: the lookup must miss
      revocations.apply(new JsonObject().put("kind", "user").put("value", "u" + i).put("reason", "revoked")
          .put("not_before", far - 86_400).put("expires", far));
    }
    ProxyRoute route = new ProxyRoute(config.routes().get(0), config);
    router = Router.router(vertx);
    new GatewayRoutes(vertx, config, codec, revocations, new GatewayMetrics(GatewayMetrics.newRegistry(), false))
        .mount(router, (routeConfig, chain) -> chain.handler(ctx -> {
          MultiMap headers = route.upstreamHeaders(ctx.request(), TokenCodec.claimsOf(ctx.user()), null, false);
          ctx.response().setStatusCode(headers.contains(OutboundHeaders.USER_ID) ? 204 : 500).end();
        }));

    String token = codec.sign(TokenVerifyBenchmark.accessPayload());
    valid = "Bearer " + token;
    char last = token.charAt(token.length() - 2);
    badSignature = "Bearer " + token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
    expect(valid, 204);
    expect(badSignature, 401);
    expect(null, 401);
  }

  private void expect(String authorization, int status) {
    int answered = handle(authorization);
    if (answered != status) {
      throw new IllegalStateException("expected " + status + " but the route answered " + answered);
    }
  }

  /** 204 when the request would be forwarded (its upstream headers built), else the refusal's status; 0 if not answered at once. */
  private int handle(String authorization) {
    FakeRequest request = new FakeRequest(context, PATH, authorization);
    router.handle(request);
    return request.status();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    vertx.close().await();
  }

  @Benchmark
  public int validToken() {
    return handle(valid);
  }

  @Benchmark
  public int badSignature() {
    return handle(badSignature);
  }

  @Benchmark
  public int noToken() {
    return handle(null);
  }
}
