package io.tokengate.ops;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.tokengate.config.LoggingConfig;
import io.tokengate.config.LoggingConfig.Format;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** logging.format switches the console appender of logback.xml between JSON lines and text. */
class LogFormatTest {

  private static ConsoleAppender<ILoggingEvent> console() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    return LogFormat.console(context);
  }

  @AfterEach
  void reset() {
    LogFormat.apply(new LoggingConfig(Format.TEXT));
  }

  @Test
  @DisplayName("json puts a JSON-line encoder on the console, text the readable pattern; the appender keeps running")
  void switchesEncoder() {
    LogFormat.apply(new LoggingConfig(Format.JSON));
    assertThat(console().getEncoder()).isInstanceOf(JsonLineEncoder.class);
    assertThat(console().isStarted()).isTrue();

    LogFormat.apply(new LoggingConfig(Format.TEXT));
    assertThat(console().getEncoder()).isInstanceOf(PatternLayoutEncoder.class);
    assertThat(((PatternLayoutEncoder) console().getEncoder()).getPattern()).isEqualTo(LogFormat.TEXT_PATTERN);
    assertThat(console().isStarted()).isTrue();
  }
}
