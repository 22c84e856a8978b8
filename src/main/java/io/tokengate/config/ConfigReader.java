package io.tokengate.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Typed, validating access to one section of the configuration. Every failure names the full key
 * path, e.g. {@code jwt.access_token_lifetime: not an ISO-8601 duration: "5 minutes"}.
 */
public final class ConfigReader {

  private final String prefix;
  private final JsonObject json;

  public ConfigReader(String prefix, JsonObject json) {
    this.prefix = prefix;
    this.json = json == null ? new JsonObject() : json;
  }

  public String key(String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }

  public JsonObject json() {
    return json;
  }

  public ConfigReader section(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return new ConfigReader(key(name), new JsonObject());
    }
    if (!(value instanceof JsonObject)) {
      throw new ConfigException(key(name), "must be a mapping");
    }
    return new ConfigReader(key(name), (JsonObject) value);
  }

  /** Fails when the section holds a key not in {@code known}: a typo must not pass silently. */
  public ConfigReader onlyKeys(Set<String> known) {
    for (String name : json.fieldNames()) {
      if (!known.contains(name)) {
        throw new ConfigException(key(name), "unknown key (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
    return this;
  }

  public String string(String name, String fallback) {
    Object value = json.getValue(name);
    if (value == null) {
      return fallback;
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value).trim();
    }
    throw new ConfigException(key(name), "must be a string");
  }

  public int integer(String name, int fallback, int min, int max) {
    Object value = json.getValue(name);
    int result;
    if (value == null) {
      result = fallback;
    } else if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
      result = number.intValue();
    } else if (value instanceof String text) {
      try {
        result = Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(key(name), "not a whole number: \"" + text + "\"");
      }
    } else {
      throw new ConfigException(key(name), "not a whole number: " + value);
    }
    if (result < min || result > max) {
      throw new ConfigException(key(name), "must be between " + min + " and " + max + ", got " + result);
    }
    return result;
  }

  public boolean bool(String name, boolean fallback) {
    Object value = json.getValue(name);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String text) {
      switch (text.trim().toLowerCase()) {
        case "true", "yes", "on", "1": return true;
        case "false", "no", "off", "0": return false;
        default: break;
      }
    }
    throw new ConfigException(key(name), "must be true or false, got \"" + value + "\"");
  }

  public Duration duration(String name, Duration fallback, Duration min) {
    Object value = json.getValue(name);
    if (value == null || (value instanceof String s && s.isBlank())) {
      return fallback;
    }
    Duration result;
    if (value instanceof Number number) {
      result = Duration.ofMillis(Math.round(number.doubleValue() * 1000));
    } else {
      String text = String.valueOf(value).trim();
      try {
        result = Duration.parse(text.toUpperCase());
      } catch (DateTimeParseException e) {
        result = parseDays(text, name);
      }
    }
    if (result.compareTo(min) < 0) {
      throw new ConfigException(key(name), "must be at least " + min + ", got " + value);
    }
    return result;
  }

  private Duration parseDays(String text, String name) {
    // Duration.parse does not take "P1D"-style periods with months or years; accept P<n>D and P<n>W.
    String upper = text.toUpperCase();
    try {
      if (upper.matches("P\\d+W")) {
        return Duration.ofDays(7L * Long.parseLong(upper.substring(1, upper.length() - 1)));
      }
    } catch (NumberFormatException ignored) {
      // falls through to the error below
    }
    throw new ConfigException(key(name), "not an ISO-8601 duration (e.g. PT5M, P1D): \"" + text + "\"");
  }

  public <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
    String text = string(name, null);
    if (text == null || text.isEmpty()) {
      return fallback;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(text)) {
        return constant;
      }
    }
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(constant.name().toLowerCase());
    }
    throw new ConfigException(key(name), "must be one of " + String.join(", ", names) + ", got \"" + text + "\"");
  }

  public List<String> strings(String name, List<String> fallback) {
    Object value = json.getValue(name);
    if (value == null) {
      return fallback;
    }
    List<String> result = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (!(item instanceof String) && !(item instanceof Number)) {
          throw new ConfigException(key(name), "must be a list of strings");
        }
        result.add(String.valueOf(item).trim());
      }
    } else if (value instanceof String text) {
      for (String part : text.split(",")) {
        if (!part.isBlank()) {
          result.add(part.trim());
        }
      }
    } else {
      throw new ConfigException(key(name), "must be a list of strings");
    }
    return List.copyOf(result);
  }

  public JsonArray array(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return new JsonArray();
    }
    if (value instanceof JsonArray array) {
      return array;
    }
    throw new ConfigException(key(name), "must be a list");
  }
}
