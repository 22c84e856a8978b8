package io.tokengate.bench;

import io.tokengate.auth.TokenClaims;
import io.tokengate.auth.TokenCodec;
import io.tokengate.config.GatewayConfig;
import io.tokengate.config.JwtConfig;
import io.tokengate.keys.JwtKey;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Verifying one HS256 access token, on the benchmark thread (HMAC verification completes its
 * future synchronously, so {@code result()} is the verified value, no event loop involved).
 * <ul>
 *   <li>{@link #headerCheck}: {@link TokenCodec#headerProblem}, the raw header check that runs
 *       before any signature check (split, base64url + JSON of the header, alg/kid/typ rules,
 *       signature length);</li>
 *   <li>{@link #codecVerify}: {@link TokenCodec#verify}, the header check, then the signature,
 *       {@code exp}/{@code iat}/{@code nbf}, and the claims as JSON;</li>
 *   <li>{@link #gatewayAuth}: {@link TokenCodec#auth()}, what the protected routes' {@code JWTAuthHandler}
 *       calls: the same checks, a token verified before answered from the verified-token cache with
 *       the {@code User} made the first time (so this measures a cache hit);</li>
 *   <li>{@link #plainVertxJwtAuth}: a bare vertx-auth-jwt {@code JWTAuth} over the same key, without
 *       our header check: the library's own cost, for comparison;</li>
 *   <li>{@link #sign}: {@link TokenCodec#sign} of a fresh access payload, for scale.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenVerifyBenchmark {

  private Vertx vertx;
  private TokenCodec codec;
  private JWTAuth plain;
  private String token;
  private TokenCredentials credentials;

  @Setup(Level.Trial)
  public void setUp() {
    vertx = Vertx.vertx();
    GatewayConfig config = BenchConfig.load(vertx, new JsonObject());
    codec = new TokenCodec(vertx, config.jwt());
    plain = JWTAuth.create(vertx, authOptions(config.jwt()));
    token = codec.sign(accessPayload());
    credentials = new TokenCredentials(token);
    if (codec.verify(token).result() == null || plain.authenticate(credentials).result() == null) {
      throw new IllegalStateException("the benchmark token does not verify");
    }
  }

  /**
   * Options for a plain Vert.x verifier of our tokens: every verification key, each bound to its
   * algorithm and kid, and the configured leeway, audience and issuer; never empty (an empty key
   * list means "unsecured").
   */
  static JWTAuthOptions authOptions(JwtConfig config) {
    JWTOptions verify = new JWTOptions().setLeeway(config.leewaySeconds());
    if (!config.audience().isEmpty()) {
      verify.setAudience(List.of(config.audience()));
    }
    if (!config.issuer().isEmpty()) {
      verify.setIssuer(config.issuer());
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(verify);
    for (JwtKey key : config.keys().verificationKeys()) {
      options.addPubSecKey(key.verifyOptions());
    }
    if (options.getPubSecKeys() == null || options.getPubSecKeys().isEmpty()) {
      throw new IllegalStateException("refusing to build an unsecured JWT verifier");
    }
    return options;
  }

  public static JsonObject accessPayload() {
    long now = System.currentTimeMillis() / 1000;
    return TokenClaims.fresh(TokenClaims.ACCESS, now, 3600).put("user_id", "42");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    vertx.close().await();
  }

  @Benchmark
  public String headerCheck() {
    return codec.headerProblem(token);
  }

  @Benchmark
  public JsonObject codecVerify() {
    return codec.verify(token).result();
  }

  @Benchmark
  public User gatewayAuth() {
    return codec.auth().authenticate(credentials).result();
  }

  @Benchmark
  public User plainVertxJwtAuth() {
    return plain.authenticate(credentials).result();
  }

  @Benchmark
  public String sign() {
    return codec.sign(accessPayload());
  }
}
