package io.tokengate.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code postgresql://user:pass@host:port/db?sslmode=verify-full&sslrootcert=/ca.pem} URL.
 * The query string takes libpq's TLS parameters ({@value #PARAMETERS}); any other parameter is
 * refused by name. {@code sslmode} defaults to {@code prefer} (as libpq); {@code require} with an
 * {@code sslrootcert} behaves as {@code verify-ca} (as libpq). {@link #toString()} hides the password.
 *
 * @param sslMode     one of {@link #SSL_MODES}, or null when the URL names none ({@code prefer})
 * @param sslRootCert PEM file of the CA(s) that signed the server's certificate, or null
 * @param sslCert     PEM file of the client certificate, or null (then {@code sslKey} is null too)
 * @param sslKey      PEM file of the client certificate's private key, or null
 */
public record DatabaseUrl(String host, int port, String database, String user, String password,
                          String sslMode, String sslRootCert, String sslCert, String sslKey) {

  static final String PARAMETERS = "sslmode, sslrootcert, sslcert, sslkey";
  public static final List<String> SSL_MODES = List.of("disable", "prefer", "require", "verify-ca", "verify-full");
  private static final String FORM = " (form postgresql://user:pass@host:port/db?sslmode=require)";

  /** A URL without TLS parameters. */
  public DatabaseUrl(String host, int port, String database, String user, String password) {
    this(host, port, database, user, password, null, null, null, null);
  }

  public static DatabaseUrl parse(String key, String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException(key, "not a URL" + FORM);
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("postgresql") || scheme.equals("postgres"))) {
      throw new ConfigException(key, "must start with postgresql://" + FORM);
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigException(key, "has no host" + FORM);
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = path.startsWith("/") ? decode(path.substring(1)) : decode(path);
    String user = "postgres";
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    if (database.isEmpty()) {
      database = user;
    }
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    Map<String, String> query = query(key, uri.getRawQuery());
    String sslMode = query.get("sslmode");
    if (sslMode != null && !SSL_MODES.contains(sslMode)) {
      throw new ConfigException(key, "sslmode \"" + sslMode + "\" is not one of " + String.join(", ", SSL_MODES));
    }
    String rootCert = file(key, "sslrootcert", query.get("sslrootcert"));
    String cert = file(key, "sslcert", query.get("sslcert"));
    String privateKey = file(key, "sslkey", query.get("sslkey"));
    if ((cert == null) != (privateKey == null)) {
      throw new ConfigException(key, "sslcert and sslkey go together (the client certificate and its key)");
    }
    if (sslMode != null && sslMode.startsWith("verify-") && rootCert == null) {
      throw new ConfigException(key, "sslmode=" + sslMode + " needs sslrootcert=/path/to/ca.pem (the CA that signed the server's certificate)");
    }
    if ("disable".equals(sslMode) && (rootCert != null || cert != null)) {
      throw new ConfigException(key, "sslmode=disable with sslrootcert/sslcert: choose a TLS mode or drop the certificates");
    }
    return new DatabaseUrl(uri.getHost(), port, database, user, password, sslMode, rootCert, cert, privateKey);
  }

  private static Map<String, String> query(String key, String rawQuery) {
    Map<String, String> query = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      String[] nameValue = pair.split("=", 2);
      String name = decode(nameValue[0]);
      if (!List.of(PARAMETERS.split(", ")).contains(name)) {
        throw new ConfigException(key, "unknown parameter \"" + name + "\" (known: " + PARAMETERS + ")");
      }
      if (nameValue.length < 2 || nameValue[1].isEmpty()) {
        throw new ConfigException(key, "parameter \"" + name + "\" has no value");
      }
      if (query.put(name, decode(nameValue[1])) != null) {
        throw new ConfigException(key, "parameter \"" + name + "\" given twice");
      }
    }
    return query;
  }

  private static String file(String key, String parameter, String value) {
    if (value != null && !Files.isReadable(Path.of(value))) {
      throw new ConfigException(key, parameter + " file " + value + " does not exist or is not readable");
    }
    return value;
  }

  /** Percent-decoding as libpq: a {@code +} stays a plus (URLDecoder alone would make it a space). */
  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * The mode all connections use: the URL's, {@code prefer} when it names none, {@code verify-ca}
   * for {@code require} with a root certificate (libpq's rule).
   */
  public String effectiveSslMode() {
    if (sslMode == null) {
      return sslRootCert == null ? "prefer" : "verify-ca";
    }
    return sslMode.equals("require") && sslRootCert != null ? "verify-ca" : sslMode;
  }

  public DatabaseUrl withDatabase(String name) {
    return new DatabaseUrl(host, port, name, user, password, sslMode, sslRootCert, sslCert, sslKey);
  }

  /** For pgjdbc (Flyway, start-up checks): the same TLS parameters, which pgjdbc reads in libpq's way. */
  public String jdbcUrl() {
    StringBuilder url = new StringBuilder("jdbc:postgresql://").append(hostPort()).append('/').append(encode(database))
        .append("?sslmode=").append(effectiveSslMode());
    appendFiles(url, true);
    return url.toString();
  }

  /** For {@code PgConnectOptions.fromUri}: host, port, database, user, password and sslmode; the files are set apart. */
  public String vertxUri() {
    String auth = password == null ? encode(user) : encode(user) + ":" + encode(password);
    return "postgresql://" + auth + "@" + hostPort() + "/" + encode(database) + "?sslmode=" + effectiveSslMode();
  }

  /** The URL as a user typed it, password included: for child processes and tests, never for logs. */
  public String toUrlWithPassword() {
    String auth = password == null ? encode(user) : encode(user) + ":" + encode(password);
    return withQuery("postgresql://" + auth + "@" + hostPort() + "/" + encode(database), true);
  }

  @Override
  public String toString() {
    String auth = password == null ? user : user + ":***";
    return withQuery("postgresql://" + auth + "@" + hostPort() + "/" + database, false);
  }

  private String hostPort() {
    return host + ":" + port;
  }

  private String withQuery(String base, boolean encoded) {
    StringBuilder url = new StringBuilder(base);
    if (sslMode != null) {
      url.append("?sslmode=").append(sslMode);
    }
    appendFiles(url, encoded);
    if (sslMode == null && url.length() > base.length()) {
      url.setCharAt(base.length(), '?');
    }
    return url.toString();
  }

  private void appendFiles(StringBuilder url, boolean encoded) {
    if (sslRootCert != null) {
      url.append("&sslrootcert=").append(encoded ? encode(sslRootCert) : sslRootCert);
    }
    if (sslCert != null) {
      url.append("&sslcert=").append(encoded ? encode(sslCert) : sslCert)
          .append("&sslkey=").append(encoded ? encode(sslKey) : sslKey);
    }
  }
}
