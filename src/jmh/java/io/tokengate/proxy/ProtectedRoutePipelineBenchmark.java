package io.tokengate.proxy;

import io.tokengate.auth.TokenCodec;
import io.tokengate.bench.BenchConfig;
import io.tokengate.bench.TokenVerifyBenchmark;
import io.tokengate.config.GatewayConfig;
import io.tokengate.config.RouteConfig;
import io.tokengate.http.FailureHandler;
import io.tokengate.revocation.Revocations;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * One GET on a protected route through a real vertx-web {@link Router}, without network, up to the
 * point where the gateway would call the upstream. The router holds the same chain as
 * {@link GatewayRoutes#mount} builds for a route with {@code auth: required}: the prefix pattern,
 * then the chain {@link GatewayRoutes#guard} builds (the gateway's own code): the normal-path
 * check, {@link AccessTokenHandler}
 * (header parse, vertx-web's {@code JWTAuthHandler} over {@code TokenCodec.auth()}, exp/jti/
 * token_type/user id checks, the {@link Revocations} lookup) with its failure mapping,
 * {@link ClaimRules} when configured and {@link IdentityHeaders}; then, instead of
 * {@code ProxyHandler}, a handler that answers 204. {@link FailureHandler} writes the refusals.
 *
 * <p>Requests are {@link FakeRequest}s (an in-memory request and response), so this measures
 * routing + auth + identity headers, not Netty, HTTP parsing, the access log or the proxy, which
 * cost more per request than all of this: use the Gatling or wrk harness for the whole path.
 * <ul>
 *   <li>{@link #validToken}: a valid access token, answered 204 (the would-be proxy call);</li>
 *   <li>{@link #badSignature}: the same token with a broken signature, answered 401;</li>
 *   <li>{@link #noToken}: no {@code Authorization} header, answered 401.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProtectedRoutePipelineBenchmark {

  private static final String PATH = "/api/bench/items";

  private Vertx vertx;
  private ContextInternal context;
  private Router router;
  private String valid;
  private String badSignature;

  @Setup(Level.Trial)
  public void setUp() {
    vertx = Vertx.vertx();
    context = (ContextInternal) vertx.getOrCreateContext();
    // the upstream is never called: the chain ends before the proxy
    GatewayConfig config = BenchConfig.load(vertx, new JsonObject().put("routes", new JsonArray()
        .add(new JsonObject().put("name", "bench").put("path", "/api/bench/").put("upstream", "http://127.0.0.1:9"))));
    RouteConfig route = config.routes().get(0);
    TokenCodec codec = new TokenCodec(vertx, config.jwt());
    Revocations revocations = new Revocations(config.jwt().userIdClaim());
    router = router(vertx, config, route, codec, revocations);

    String token = codec.sign(TokenVerifyBenchmark.accessPayload());
    valid = "Bearer " + token;
    char last = token.charAt(token.length() - 2);
    badSignature = "Bearer " + token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
    expect(valid, 204);
    expect(badSignature, 401);
    expect(null, 401);
  }

  private static Router router(Vertx vertx, GatewayConfig config, RouteConfig route, TokenCodec codec, Revocations revocations) {
    Router router = Router.router(vertx);
    Route chain = router.route().pathRegex(GatewayRoutes.prefixPattern(route.path()));
    GatewayRoutes.guard(chain, route, config, codec.auth(), revocations)
        .handler(ctx -> ctx.response().setStatusCode(204).end());
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(new FailureHandler());
    return router;
  }

  private void expect(String authorization, int status) {
    int answered = handle(authorization);
    if (answered != status) {
      throw new IllegalStateException("expected " + status + " but the router answered " + answered);
    }
  }

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
