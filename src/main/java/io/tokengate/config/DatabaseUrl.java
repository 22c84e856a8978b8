package io.tokengate.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A parsed {@code postgresql://user:pass@host:port/db} URL. {@link #toString()} hides the password.
 */
public record DatabaseUrl(String host, int port, String database, String user, String password) {

  public static DatabaseUrl parse(String key, String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException(key, "not a URL of the form postgresql://user:pass@host:port/db");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("postgresql") || scheme.equals("postgres"))) {
      throw new ConfigException(key, "must start with postgresql:// (form postgresql://user:pass@host:port/db)");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigException(key, "has no host (form postgresql://user:pass@host:port/db)");
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
    return new DatabaseUrl(uri.getHost(), port, database, user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  public DatabaseUrl withDatabase(String name) {
    return new DatabaseUrl(host, port, name, user, password);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** The URL as a user typed it, password included: for child processes and tests, never for logs. */
  public String toUrlWithPassword() {
    String auth = password == null ? user : user + ":" + password;
    return "postgresql://" + auth + "@" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    String auth = password == null ? user : user + ":***";
    return "postgresql://" + auth + "@" + host + ":" + port + "/" + database;
  }
}
