package io.tokengate.db;

import io.tokengate.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An embedded PostgreSQL 15 for development and for machines without a database server. Its
 * data stays in the given folder between runs; it stops with the gateway. Blocking: call from the
 * main thread at start-up.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  public static final String DATABASE = "tokengate";

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts PostgreSQL with its data in {@code dataDir}; {@code keepData=false} wipes it first. */
  public static EmbeddedDatabase start(Path dataDir, boolean keepData) {
    Path absolute = dataDir.toAbsolutePath();
    try {
      Files.createDirectories(absolute);
      Path work = absolute.resolveSibling(absolute.getFileName() + "-bin");
      Files.createDirectories(work);
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(absolute.resolve("pgdata"))
          .setOverrideWorkingDirectory(work.toFile())
          .setCleanDataDirectory(!keepData)
          .setPGStartupWait(Duration.ofSeconds(30))
          .setRegisterShutdownHook(true)
          .start();
      LOG.info("Embedded PostgreSQL 15 started on 127.0.0.1:{} (data in {})", postgres.getPort(), absolute);
      return new EmbeddedDatabase(postgres);
    } catch (IOException | RuntimeException e) {
      throw new StartupException("Cannot start the embedded PostgreSQL in " + absolute + ": " + e.getMessage()
          + " (set database.url / TOKENGATE_DATABASE_URL to use a server instead)", e);
    }
  }

  /** The URL of the gateway's database inside this server (created on demand by {@link DatabaseBootstrap}). */
  public DatabaseUrl url() {
    return new DatabaseUrl("127.0.0.1", postgres.getPort(), DATABASE, "postgres", null, "disable", null, null, null);
  }

  @Override
  public void close() {
    try {
      postgres.close();
      LOG.info("Embedded PostgreSQL stopped");
    } catch (IOException e) {
      LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
