package io.tokengate.ops;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log's appender (logback.xml, {@value #NAME}). An access line is encoded to bytes on
 * the thread that logs it (an event loop), into that thread's own buffer: no line object crosses
 * to another core and no shared queue is touched per line. One writer thread takes each buffer
 * every few milliseconds (swapping in an empty one) and writes it to stdout in one call (through
 * {@link System#out}, whose lock keeps it from interleaving with the other log lines), so the
 * event loop never waits for stdout. When a thread's buffer is full ({@code queueSize} lines or
 * {@code maxQueuedBytes} bytes waiting: a slow stdout, or a client's long paths, cannot make it
 * hold more) the line is dropped and counted ({@link #dropped()},
 * {@code tokengate_access_log_dropped_total}). {@link #flush} (the gateway's last shutdown step)
 * and {@link #stop()} (logback's shutdown hook) write what is waiting before they return. Other
 * events given to it go through a bounded queue and are written as a JSON or text line, as
 * {@code logging.format} says.
 * Thread-safe: any thread may append.
 */
public final class AccessLogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  public static final String NAME = "ACCESS";
  public static final int DEFAULT_QUEUE_SIZE = 16384;
  /** Per logging thread: a gateway with n event loops holds at most n times this (twice while a batch is written). */
  public static final long DEFAULT_MAX_QUEUED_BYTES = 2L * 1024 * 1024;
  /** How long the writer sleeps when the queue is empty: producers never wake it (that would cost them a system call). */
  static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** After this many empty wake-ups in a row it sleeps {@code LONG_IDLE_NANOS}: an idle gateway's writer wakes 10 times a second, not 100. */
  private static final int IDLE_WAKES = 100;
  private static final long LONG_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final int BATCH = 1024;
  private static final int FLUSH_BYTES = 64 * 1024;

  /** Something that encodes one access line, newline included. */
  interface Line {
    void writeLine(LineBytes line);
  }

  /** One logging thread's lines not yet written; guarded by its own monitor (the writer takes them every few ms). */
  private static final class Pending {
    private final WeakReference<Thread> owner = new WeakReference<>(Thread.currentThread());
    private LineBytes lines = new LineBytes();
    private int count;
  }

  private final LongAdder dropped = new LongAdder();
  private final List<Pending> pending = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Pending> mine = ThreadLocal.withInitial(() -> {
    Pending created = new Pending();
    pending.add(created);
    return created;
  });
  private final AtomicLong queuedBytes = new AtomicLong();
  private int queueSize = DEFAULT_QUEUE_SIZE;
  private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
  private OutputStream output;
  private volatile boolean json;
  private volatile boolean running;
  /** True from before the writer drains the queue until what it drained is written. */
  private volatile boolean writing;
  private BlockingQueue<ILoggingEvent> queue;
  private Thread writer;

  /**
   * The appender of logback.xml when it is the access logger's only one (and the logger does not
   * pass lines on to its parents): then a line can be handed to it directly, with no logging event.
   * Null otherwise (another appender attached, logging configured differently).
   */
  static AccessLogAppender sole() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      ch.qos.logback.classic.Logger logger = context.getLogger(AccessLog.LOGGER);
      Appender<ILoggingEvent> only = null;
      int count = 0;
      for (var it = logger.iteratorForAppenders(); it.hasNext(); count++) {
        only = it.next();
      }
      if (count == 1 && !logger.isAdditive() && only instanceof AccessLogAppender access && access.isStarted()) {
        return access;
      }
    }
    return null;
  }

  /** The appender of logback.xml, or null when logging is configured otherwise. */
  public static AccessLogAppender find() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      Appender<ILoggingEvent> appender = context.getLogger(AccessLog.LOGGER).getAppender(NAME);
      return appender instanceof AccessLogAppender access ? access : null;
    }
    return null;
  }

  /** Lines each logging thread's buffer (and the queue of other events) can hold; set before {@link #start()}. */
  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  /** Bytes of encoded lines each logging thread's buffer may hold (other events: about what their strings hold); set before {@link #start()}. */
  public void setMaxQueuedBytes(long maxQueuedBytes) {
    this.maxQueuedBytes = maxQueuedBytes;
  }

  /** Where lines go instead of {@link System#out} (tests); set before {@link #start()}. */
  void setOutput(OutputStream output) {
    this.output = output;
  }

  /** The shape of lines for events other than {@link AccessLogEvent} (which carry their own). */
  public void setJson(boolean json) {
    this.json = json;
  }

  /** Lines dropped because the queue was full. */
  public long dropped() {
    return dropped.sum();
  }

  /** Lines waiting to be written (not counting a batch the writer has taken). */
  int queued() {
    BlockingQueue<ILoggingEvent> current = queue;
    int lines = current == null ? 0 : current.size();
    for (Pending each : pending) {
      synchronized (each) {
        lines += each.count;
      }
    }
    return lines;
  }

  /** Logging threads with a buffer (a finished thread's is dropped once written). */
  int buffers() {
    return pending.size();
  }

  @Override
  public void start() {
    if (isStarted()) {
      return;
    }
    if (queueSize < 1 || maxQueuedBytes < 1) {
      addError("queueSize and maxQueuedBytes must be positive: " + queueSize + ", " + maxQueuedBytes);
      return;
    }
    queue = new ArrayBlockingQueue<>(queueSize);
    running = true;
    writer = new Thread(this::drain, "tokengate-access-log");
    writer.setDaemon(true);
    writer.start();
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event instanceof AccessLogEvent access) {
      appendLine(access);
      return;
    }
    int weight = weight(event);
    // checked, then added: producers racing past the limit overshoot it by one event each at most
    if (queuedBytes.get() + weight > maxQueuedBytes || !queue.offer(event)) {
      dropped.increment();
      return;
    }
    queuedBytes.addAndGet(weight);
  }

  /** Encodes the line into this thread's buffer, or drops and counts it when the buffer is full (or the appender is stopped). */
  void appendLine(Line access) {
    if (!isStarted()) {
      dropped.increment();
      return;
    }
    Pending own = mine.get();
    synchronized (own) {
      LineBytes lines = own.lines;
      int before = lines.length();
      if (own.count >= queueSize) {
        dropped.increment();
        return;
      }
      access.writeLine(lines);
      if (lines.length() > maxQueuedBytes) {
        lines.truncate(before);
        dropped.increment();
        return;
      }
      own.count++;
    }
  }

  /** About how many bytes a queued event (not an access line: those are encoded at once) holds on to. */
  private static int weight(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    return 256 + (message == null ? 0 : message.length());
  }

  /** Stops taking lines, then waits (up to 10 s) until the writer has written every queued one. */
  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    running = false;
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      addWarn("the access-log writer did not finish within 10 s; " + queue.size() + " lines not written");
    }
  }

  /**
   * Waits (up to {@code timeout}) until every line queued so far is written: the gateway calls it
   * as the last step of its shutdown, so no line depends on the order of the JVM's shutdown hooks.
   * Returns whether everything was written.
   */
  public boolean flush(Duration timeout) {
    if (!isStarted()) {
      return queued() == 0;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    LockSupport.unpark(writer);
    while (queued() > 0 || writing) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      LockSupport.unpark(writer);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    return true;
  }

  /** {@link #flush} on the appender of logback.xml, if there is one. */
  public static boolean flushQueued(Duration timeout) {
    AccessLogAppender appender = find();
    return appender == null || appender.flush(timeout);
  }

  private void drain() {
    List<ILoggingEvent> batch = new ArrayList<>(BATCH);
    LineBytes line = new LineBytes();
    LineBytes spare = new LineBytes();
    int idle = 0;
    while (true) {
      boolean last = !running;
      writing = true;
      boolean wrote = false;
      for (Pending each : pending) {
        LineBytes taken;
        synchronized (each) {
          if (each.count == 0) {
            if (each.owner.get() == null || !each.owner.get().isAlive()) {
              pending.remove(each);
            }
            continue;
          }
          taken = each.lines;
          each.lines = spare;
          each.count = 0;
        }
        writeLines(taken);
        // a buffer that grew while stdout was slow is not kept at that size
        spare = taken.capacity() > FLUSH_BYTES * 4 ? new LineBytes() : taken;
        spare.reset();
        wrote = true;
      }
      if (queue.drainTo(batch, BATCH) > 0) {
        long weight = 0;
        for (ILoggingEvent event : batch) {
          weight += weight(event);
        }
        queuedBytes.addAndGet(-weight);
        write(batch, line);
        batch.clear();
        wrote = true;
      }
      writing = false;
      if (wrote) {
        idle = 0;
      } else if (last) {
        return;
      } else {
        LockSupport.parkNanos(this, ++idle < IDLE_WAKES ? IDLE_NANOS : LONG_IDLE_NANOS);
      }
    }
  }

  private void writeLines(LineBytes lines) {
    OutputStream out = output != null ? output : System.out;
    try {
      lines.writeTo(out);
      out.flush();
    } catch (IOException | RuntimeException e) {
      addError("access log lines lost: " + e);
    }
  }

  private void write(List<ILoggingEvent> batch, LineBytes line) {
    OutputStream out = output != null ? output : System.out;
    try {
      for (ILoggingEvent event : batch) {
        if (event instanceof AccessLogEvent access) {
          access.writeLine(line);
        } else {
          other(event, line);
        }
        if (line.length() >= FLUSH_BYTES) {
          line.writeTo(out);
          line.reset();
        }
      }
      line.writeTo(out);
      out.flush();
    } catch (IOException | RuntimeException e) {
      addError("access log lines lost: " + e);
    } finally {
      line.reset();
    }
  }

  private void other(ILoggingEvent event, LineBytes line) {
    String message = String.valueOf(event.getFormattedMessage());
    if (json) {
      line.ascii("{\"time\":\"").isoTime(event.getTimeStamp()).ascii("\",\"level\":\"").ascii(event.getLevel().toString())
          .ascii("\",\"logger\":").jsonString(event.getLoggerName()).ascii(",\"thread\":").jsonString(event.getThreadName())
          .ascii(",\"message\":").jsonString(message).ascii('}');
    } else {
      String logger = event.getLoggerName();
      line.localTime(event.getTimeStamp()).ascii(' ').ascii(String.format("%-5s", event.getLevel())).ascii(' ')
          .plain(logger.substring(logger.lastIndexOf('.') + 1)).ascii(" - ").plain(message);
    }
    line.ascii('\n');
  }
}
