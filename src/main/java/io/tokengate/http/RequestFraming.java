package io.tokengate.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;

/**
 * Whether a request's body framing is one reading only (no request smuggling). Refused: both
 * {@code Transfer-Encoding} and {@code Content-Length}; {@code Transfer-Encoding} on HTTP/1.0 or
 * other than exactly {@code chunked}; more than one {@code Content-Length}, or one that is not a
 * plain decimal; a WebSocket upgrade that carries a body. The same rule for an upstream's answer
 * ({@link #ambiguousResponse}). Pure; any thread.
 */
public final class RequestFraming {

  private RequestFraming() {
  }

  /** Whether a request with these headers can be framed one way only; {@code upgrade}: it asks for a WebSocket. */
  public static boolean unambiguous(HttpVersion version, MultiMap headers, boolean upgrade) {
    boolean chunked = headers.contains(HttpHeaders.TRANSFER_ENCODING);
    boolean length = headers.contains(HttpHeaders.CONTENT_LENGTH);
    if (!chunked && !length) {
      return true;
    }
    if (chunked) {
      if (length || version == HttpVersion.HTTP_1_0 || upgrade) {
        return false;
      }
      return onlyChunked(headers);
    }
    long declared = contentLength(headers);
    return declared >= 0 && !(upgrade && declared > 0);
  }

  /** Whether an upstream's answer declares its length two ways, or a length that is not one plain decimal. */
  public static boolean ambiguousResponse(MultiMap headers) {
    boolean length = headers.contains(HttpHeaders.CONTENT_LENGTH);
    if (headers.contains(HttpHeaders.TRANSFER_ENCODING)) {
      return length || !onlyChunked(headers);
    }
    return length && contentLength(headers) < 0;
  }

  private static boolean onlyChunked(MultiMap headers) {
    var values = headers.getAll(HttpHeaders.TRANSFER_ENCODING);
    return values.size() == 1 && "chunked".equalsIgnoreCase(values.get(0).strip());
  }

  /** The one Content-Length as a number, or -1 when there are several or it is not 1 to 18 digits. */
  public static long contentLength(MultiMap headers) {
    var values = headers.getAll(HttpHeaders.CONTENT_LENGTH);
    if (values.size() != 1) {
      return -1;
    }
    String value = values.get(0).strip();
    if (value.isEmpty() || value.length() > 18) {
      return -1;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(value);
  }
}
