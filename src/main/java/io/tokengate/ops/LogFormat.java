package io.tokengate.ops;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.tokengate.config.LoggingConfig;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Switches the console appender of {@code logback.xml} between JSON lines and readable text,
 * as {@code logging.format} says (and the access log's appender, for events other than access
 * lines, which carry their format). Logging is process-wide: the last gateway started decides.
 * Call at start-up, before the first request.
 */
public final class LogFormat {

  public static final String APPENDER = "STDOUT";
  /** The queue in front of {@link #APPENDER} (logback.xml), so no event loop waits for stdout. */
  public static final String ASYNC = "ASYNC";
  public static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

  private LogFormat() {
  }

  /** The console appender of logback.xml (behind its async queue), or null when logging is configured otherwise. */
  static ConsoleAppender<ILoggingEvent> console(LoggerContext context) {
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> appender = root.getAppender(APPENDER);
    if (appender == null && root.getAppender(ASYNC) instanceof AsyncAppender async) {
      appender = async.getAppender(APPENDER);
    }
    return appender instanceof ConsoleAppender<ILoggingEvent> console ? console : null;
  }

  public static void apply(LoggingConfig config) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return;
    }
    AccessLogAppender access = AccessLogAppender.find();
    if (access != null) {
      access.setJson(config.json());
    }
    ConsoleAppender<ILoggingEvent> console = console(context);
    if (console == null) {
      return;
    }
    Encoder<ILoggingEvent> encoder;
    if (config.json()) {
      encoder = new JsonLineEncoder();
    } else {
      PatternLayoutEncoder pattern = new PatternLayoutEncoder();
      pattern.setPattern(TEXT_PATTERN);
      encoder = pattern;
    }
    encoder.setContext(context);
    encoder.start();
    console.stop();
    console.setEncoder(encoder);
    console.start();
  }
}
