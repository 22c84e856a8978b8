package io.tokengate.auth;

import io.tokengate.http.ApiException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The double-submit CSRF check of cookie mode: a request that uses the refresh cookie must repeat
 * the CSRF cookie's value in the {@code X-CSRF-Token} header. A cross-site page can make the
 * browser send the cookies but can neither read them nor set that header. Thread-safe.
 */
public final class CsrfCheck {

  public static final String DETAIL = "CSRF Failed: CSRF token missing or incorrect.";
  public static final String CODE = "csrf_failed";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private CsrfCheck() {
  }

  /** A fresh token: 32 random bytes as 64 lowercase hex characters. */
  public static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HEX.formatHex(bytes);
  }

  /**
   * Passes when {@code header} equals {@code cookie} (compared in constant time) and both are
   * present; else throws the 403 {@code csrf_failed} {@link ApiException}.
   */
  public static void require(String header, String cookie) {
    if (header == null || cookie == null || header.isEmpty() || cookie.isEmpty()
        || !MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), cookie.getBytes(StandardCharsets.UTF_8))) {
      throw ApiException.detail(403, DETAIL, CODE);
    }
  }
}
