package io.tokengate.db;

import io.vertx.pgclient.PgException;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Tells a database outage (no connection, pool timeout) from a failing query. */
public final class DatabaseErrors {

  private DatabaseErrors() {
  }

  public static boolean isUnavailable(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause()) {
      if (e instanceof PgException pg) {
        String state = pg.getSqlState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
      }
      if (e instanceof IOException || e instanceof TimeoutException
          || e instanceof io.vertx.sqlclient.ClosedConnectionException
          || e instanceof io.vertx.core.impl.NoStackTraceTimeoutException) {
        return true;
      }
      String name = e.getClass().getName();
      String message = String.valueOf(e.getMessage()).toLowerCase();
      if (name.contains("Connect") || message.contains("connection") || message.contains("timeout")) {
        return true;
      }
      if (e.getCause() == e) {
        break;
      }
    }
    return false;
  }
}
