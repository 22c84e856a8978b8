package io.tokengate.auth;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * The two cookies of cookie mode ({@code web.refresh_cookie}): their names, their exact
 * {@code Set-Cookie} attributes, reading them from a request and removing them from a
 * {@code Cookie} header before it goes upstream. Stateless; safe on any thread.
 *
 * <p>Both names carry the {@code __Host-} prefix, so a browser accepts them only with
 * {@code Secure}, {@code Path=/} and no {@code Domain}: a sibling subdomain cannot plant or
 * shadow them. That prefix is why the path is {@code /} and not {@code /api/token/}.
 */
public final class RefreshCookies {

  /** HttpOnly: the refresh token, never readable by the page's script. */
  public static final String REFRESH = "__Host-tokengate_refresh";
  /** Readable by the page: the double-submit CSRF token that must come back in {@link #CSRF_HEADER}. */
  public static final String CSRF = "__Host-tokengate_csrf";
  public static final String CSRF_HEADER = "X-CSRF-Token";

  private RefreshCookies() {
  }

  /** {@code Set-Cookie} for the refresh token, living {@code maxAgeSeconds}. */
  public static String refreshCookie(String token, long maxAgeSeconds) {
    return REFRESH + "=" + token + "; Max-Age=" + maxAgeSeconds + "; Path=/; Secure; HttpOnly; SameSite=Strict";
  }

  /** {@code Set-Cookie} for the CSRF token (not HttpOnly: the page reads it), living {@code maxAgeSeconds}. */
  public static String csrfCookie(String csrf, long maxAgeSeconds) {
    return CSRF + "=" + csrf + "; Max-Age=" + maxAgeSeconds + "; Path=/; Secure; SameSite=Strict";
  }

  /** Sets both cookies on {@code response} (before its head is written). */
  public static void set(HttpServerResponse response, String refreshToken, String csrf, long maxAgeSeconds) {
    response.headers()
        .add(HttpHeaders.SET_COOKIE, refreshCookie(refreshToken, maxAgeSeconds))
        .add(HttpHeaders.SET_COOKIE, csrfCookie(csrf, maxAgeSeconds));
  }

  /** Replaces the refresh cookie only (a rotated token; the CSRF token stays). */
  public static void setRefresh(HttpServerResponse response, String refreshToken, long maxAgeSeconds) {
    response.headers().add(HttpHeaders.SET_COOKIE, refreshCookie(refreshToken, maxAgeSeconds));
  }

  /** Tells the browser to drop both cookies ({@code Max-Age=0}, same attributes). */
  public static void clear(HttpServerResponse response) {
    response.headers()
        .add(HttpHeaders.SET_COOKIE, refreshCookie("", 0))
        .add(HttpHeaders.SET_COOKIE, csrfCookie("", 0));
  }

  /** The refresh cookie's value, or null when absent or empty. */
  public static String refreshToken(HttpServerRequest request) {
    return value(cookieHeader(request), REFRESH);
  }

  /** The CSRF cookie's value, or null when absent or empty. */
  public static String csrf(HttpServerRequest request) {
    return value(cookieHeader(request), CSRF);
  }

  /**
   * The value of the first cookie called {@code name} in a {@code Cookie} header, or null when
   * absent or empty.
   */
  public static String value(String cookieHeader, String name) {
    if (cookieHeader == null) {
      return null;
    }
    for (String pair : cookieHeader.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
        String value = pair.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return value.isEmpty() ? null : value;
      }
    }
    return null;
  }

  /**
   * {@code cookieHeader} without the two tokengate cookies (names compared ignoring case, to err
   * on the side of not leaking), other cookies untouched and in order, for a request forwarded
   * upstream. Returns the empty string when nothing is left (then drop the
   * header) and null for null.
   */
  public static String stripFrom(String cookieHeader) {
    if (cookieHeader == null) {
      return null;
    }
    List<String> kept = new ArrayList<>();
    for (String pair : cookieHeader.split(";")) {
      String trimmed = pair.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      String name = (eq < 0 ? trimmed : trimmed.substring(0, eq)).trim();
      if (!name.equalsIgnoreCase(REFRESH) && !name.equalsIgnoreCase(CSRF)) {
        kept.add(trimmed);
      }
    }
    return String.join("; ", kept);
  }

  /** All {@code Cookie} headers of a request as one (HTTP/2 may send one header per cookie). */
  private static String cookieHeader(HttpServerRequest request) {
    List<String> headers = request.headers().getAll(HttpHeaders.COOKIE);
    return headers.isEmpty() ? null : String.join("; ", headers);
  }
}
