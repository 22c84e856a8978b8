package io.tokengate.support;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The tokens and password hashes made by Django and Simple JWT (src/test/resources/django-simplejwt.json). */
public final class Vectors {

  private Vectors() {
  }

  public static JsonObject all() {
    try (InputStream in = Vectors.class.getResourceAsStream("/django-simplejwt.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonObject tokens() {
    return all().getJsonObject("simplejwt_tokens");
  }
}
