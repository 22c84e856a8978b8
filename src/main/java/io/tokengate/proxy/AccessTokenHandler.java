package io.tokengate.proxy;

import io.tokengate.auth.TokenException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.impl.UserContextInternal;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The authentication step of a protected route: vertx-web's {@link JWTAuthHandler} over the
 * gateway's own {@link JWTAuth} ({@code TokenCodec.auth()}: header checks, the named key only,
 * {@code exp} required, the verified-token cache), with Simple JWT's reading of the
 * {@code Authorization} header around it, which {@code JWTAuthHandler} does not know:
 * <ul>
 *   <li>no header, or one whose first word is not an accepted type ({@code jwt.auth_header_types},
 *       case-sensitive): no credentials, so 401 "not provided" on {@code auth: required}, and on
 *       {@code auth: optional} the request goes on anonymous, past {@code JWTAuthHandler};</li>
 *   <li>an accepted type with other than one value, or more than one {@code Authorization} header
 *       (gunicorn joins them with "," and Simple JWT then sees three or more parts): 401
 *       {@code bad_authorization_header};</li>
 *   <li>{@code Bearer <token>}: {@code JWTAuthHandler} authenticates it (it pauses the request
 *       while it does and sets {@code ctx.user()});</li>
 *   <li>another accepted type, spacing {@code JWTAuthHandler} does not parse, or an {@code OPTIONS}
 *       request (which {@code JWTAuthHandler} would let through unauthenticated as a CORS
 *       preflight): the same {@code JWTAuth} authenticates the token here, and
 *       {@code JWTAuthHandler} then finds the user set and passes the request on.</li>
 * </ul>
 * A token that does not verify fails the request; the route's {@link ProxyFailureHandler} turns
 * that into Simple JWT's 401 {@code token_not_valid}. Runs on the event loop; one per route and
 * event loop.
 */
final class AccessTokenHandler implements AuthenticationHandler {

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final String BEARER = "Bearer";

  private final JWTAuthHandler bearer;
  private final JWTAuth auth;
  private final List<String> headerTypes;
  private final boolean bearerAccepted;
  private final boolean required;

  AccessTokenHandler(JWTAuth auth, List<String> headerTypes, boolean required) {
    this.auth = auth;
    this.bearer = JWTAuthHandler.create(auth, "api");
    this.headerTypes = List.copyOf(headerTypes);
    this.bearerAccepted = headerTypes.contains(BEARER);
    this.required = required;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    MultiMap headers = request.headers();
    String header = headers.get(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      anonymous(ctx);
      return;
    }
    if (headers.getAll(HttpHeaders.AUTHORIZATION).size() > 1) {
      ctx.fail(AuthErrors.badAuthorizationHeader());
      return;
    }
    int space = header.indexOf(' ');
    if (space == BEARER.length() && bearerAccepted && header.startsWith(BEARER) && isPlain(header, space)
        && request.method() != HttpMethod.OPTIONS) {
      // the common case, "Bearer <token>": JWTAuthHandler's own
      bearer.handle(ctx);
      return;
    }
    String token = token(header, space);
    if (token == null) {
      anonymous(ctx);
    } else if (token.isEmpty()) {
      ctx.fail(AuthErrors.badAuthorizationHeader());
    } else {
      authenticate(ctx, token);
    }
  }

  private void anonymous(RoutingContext ctx) {
    if (required) {
      ctx.fail(AuthErrors.notProvided());
    } else {
      ctx.next();
    }
  }

  /** A token JWTAuthHandler cannot read from the header itself: the same provider, then JWTAuthHandler with the user set. */
  private void authenticate(RoutingContext ctx, String token) {
    HttpServerRequest request = ctx.request();
    if (!request.isEnded()) {
      request.pause();
    }
    auth.authenticate(new TokenCredentials(token)).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(AuthErrors.tokenNotValid(TokenException.INVALID));
        return;
      }
      ((UserContextInternal) ctx.userContext()).setUser(result.result());
      bearer.handle(ctx);
    });
  }

  /**
   * Simple JWT's {@code get_raw_token}: null when the first word is not an accepted type (no
   * credentials), "" when the header has other than two words (malformed), else the token.
   */
  private String token(String header, int space) {
    if (space > 0 && isPlain(header, space)) {
      return headerTypes.contains(header.substring(0, space)) ? header.substring(space + 1) : null;
    }
    String[] parts = WHITESPACE.split(header.strip());
    if (parts.length == 0 || parts[0].isEmpty() || !headerTypes.contains(parts[0])) {
      return null;
    }
    return parts.length == 2 ? parts[1] : "";
  }

  /** One space at {@code space}, something after it, and no other whitespace anywhere. */
  private static boolean isPlain(String header, int space) {
    if (space == header.length() - 1) {
      return false;
    }
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (i != space && (c <= ' ' || c >= 0x80 && Character.isWhitespace(c))) {
        return false;
      }
    }
    return true;
  }
}
