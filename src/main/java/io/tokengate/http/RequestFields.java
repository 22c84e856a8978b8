package io.tokengate.http;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DRF's request parsing and {@code CharField} validation for the token endpoints: JSON or form
 * bodies, the exact 400/415 bodies DRF gives, every failing field reported at once.
 * Runs on the event loop after {@code BodyHandler}.
 */
public final class RequestFields {

  /** One expected string field; {@code trim} as DRF's {@code trim_whitespace}. */
  public record Field(String name, boolean trim) {
  }

  private RequestFields() {
  }

  /** The validated string values by field name, or an {@link ApiException} with DRF's body. */
  public static Map<String, String> read(RoutingContext ctx, Field... fields) {
    Map<String, Object> data = parse(ctx);
    JsonObject errors = new JsonObject();
    Map<String, String> values = new LinkedHashMap<>();
    for (Field field : fields) {
      if (!data.containsKey(field.name())) {
        errors.put(field.name(), new JsonArray().add("This field is required."));
        continue;
      }
      Object raw = data.get(field.name());
      String problem = null;
      String value = null;
      if (raw == null) {
        problem = "This field may not be null.";
      } else if (raw instanceof String || raw instanceof Number) {
        value = String.valueOf(raw);
        if (field.trim()) {
          value = value.strip();
        }
        if (value.isEmpty()) {
          problem = "This field may not be blank.";
        } else if (value.indexOf('\0') >= 0) {
          problem = "Null characters are not allowed.";
        }
      } else {
        problem = "Not a valid string.";
      }
      if (problem != null) {
        errors.put(field.name(), new JsonArray().add(problem));
      } else {
        values.put(field.name(), value);
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.fields(errors);
    }
    return values;
  }

  /**
   * Whether the body has a field called {@code name}, whatever its value; a body that cannot be
   * parsed gets the same 400/415 as {@link #read}.
   */
  public static boolean contains(RoutingContext ctx, String name) {
    return parse(ctx).containsKey(name);
  }

  private static Map<String, Object> parse(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return Map.of();
    }
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String media = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase();
    if (media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"))) {
      return json(body);
    }
    if (media.equals("application/x-www-form-urlencoded") || media.equals("multipart/form-data")) {
      return form(ctx.request().formAttributes());
    }
    throw ApiException.detail(415, "Unsupported media type \"" + (contentType == null ? "" : contentType) + "\" in request.");
  }

  private static Map<String, Object> json(Buffer body) {
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw ApiException.detail(400, "JSON parse error - " + firstLine(e.getMessage()));
    }
    if (value instanceof JsonObject object) {
      Map<String, Object> result = new LinkedHashMap<>();
      for (Map.Entry<String, Object> entry : object) {
        result.put(entry.getKey(), entry.getValue());
      }
      return result;
    }
    throw ApiException.field("non_field_errors", "Invalid data. Expected a dictionary, but got " + pythonType(value) + ".");
  }

  private static Map<String, Object> form(MultiMap attributes) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (String name : attributes.names()) {
      var all = attributes.getAll(name);
      result.put(name, all.get(all.size() - 1));
    }
    return result;
  }

  private static String pythonType(Object value) {
    if (value == null) {
      return "NoneType";
    }
    if (value instanceof JsonArray) {
      return "list";
    }
    if (value instanceof String) {
      return "str";
    }
    if (value instanceof Boolean) {
      return "bool";
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      return "float";
    }
    return "int";
  }

  private static String firstLine(String message) {
    String text = message == null ? "invalid JSON" : message;
    int cut = text.indexOf('\n');
    text = cut < 0 ? text : text.substring(0, cut);
    return text.replaceFirst("^Failed to decode:\\s*", "");
  }
}
