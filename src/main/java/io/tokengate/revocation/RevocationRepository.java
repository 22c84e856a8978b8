package io.tokengate.revocation;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes revocations and reads the unexpired ones at start-up. Every row inserted into
 * {@code tokengate_revocation} announces itself with {@code NOTIFY} (an insert trigger of
 * migration {@code V6__token_functions.sql}, delivered when the inserting transaction commits),
 * whoever inserts it: this class, the token functions (a session's access tokens), the
 * users-table trigger.
 */
public final class RevocationRepository {

  public static final String CHANNEL = "tokengate_revocation";

  /**
   * Revokes every token of a user issued before now, for {@code lifetimeSeconds} (the longest a
   * token lives). The row's insert trigger announces it on {@value #CHANNEL}.
   */
  public Future<Void> revokeUser(SqlClient client, Object userId, String reason, long lifetimeSeconds) {
    return client.preparedQuery("INSERT INTO tokengate_revocation (kind, value, reason, not_before, expires_at)"
            + " VALUES ('user', $1, $2, floor(extract(epoch FROM clock_timestamp()))::bigint + 1, now() + $3::bigint * interval '1 second')")
        .execute(Tuple.of(String.valueOf(userId), reason, lifetimeSeconds))
        .mapEmpty();
  }

  /** Every unexpired revocation, as events for {@link Revocations#apply}. */
  public Future<List<JsonObject>> loadActive(Pool pool) {
    return pool.query("SELECT kind, value, reason, not_before, floor(extract(epoch FROM expires_at))::bigint AS expires"
            + " FROM tokengate_revocation WHERE expires_at > now()")
        .execute()
        .map(rows -> {
          List<JsonObject> events = new ArrayList<>();
          for (Row row : rows) {
            events.add(new JsonObject().put("kind", row.getString("kind")).put("value", row.getString("value"))
                .put("reason", row.getString("reason")).put("not_before", row.getLong("not_before"))
                .put("expires", row.getLong("expires")));
          }
          return events;
        });
  }
}
