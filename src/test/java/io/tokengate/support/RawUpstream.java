package io.tokengate.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An upstream on a plain loopback socket that records every byte each connection sends it, so a
 * test sees framing exactly as the gateway wrote it (an HTTP library would hide a desync). For each
 * request it reads the head and the body as the head frames it (Content-Length or chunked) and
 * answers with its {@link Script}; by default a fixed, valid HTTP/1.1 {@code 200} with a small body.
 * One thread per connection.
 */
public final class RawUpstream implements AutoCloseable {

  /** The answer to one request: write it to {@code out}; {@code head} is the request head as received. */
  @FunctionalInterface
  public interface Script {
    void answer(String head, OutputStream out) throws IOException;
  }

  public static final String OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";

  private final ServerSocket server;
  private final Script script;
  private final List<ByteArrayOutputStream> received = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<String> heads = new CopyOnWriteArrayList<>();

  private RawUpstream(Script script) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.script = script;
    Thread acceptor = new Thread(this::acceptLoop, "raw-upstream-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Answers every request with {@link #OK}. */
  public static RawUpstream start() {
    return start(fixed(OK));
  }

  public static RawUpstream start(Script script) {
    try {
      return new RawUpstream(script);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A script that answers with these exact bytes (ISO-8859-1). */
  public static Script fixed(String response) {
    byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
    return (head, out) -> out.write(bytes);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** How many connections the gateway opened. */
  public int connections() {
    return received.size();
  }

  /** Everything received on each connection so far, in order of connection (ISO-8859-1). */
  public List<String> received() {
    List<String> all = new ArrayList<>();
    for (ByteArrayOutputStream bytes : received) {
      synchronized (bytes) {
        all.add(bytes.toString(StandardCharsets.ISO_8859_1));
      }
    }
    return all;
  }

  /** The request heads this upstream parsed, as a server reading the same bytes would: a smuggled request shows as one more. */
  public List<String> heads() {
    return List.copyOf(heads);
  }

  /** Everything received on all connections, concatenated. */
  public String all() {
    return String.join("", received());
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        sockets.add(socket);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        received.add(bytes);
        Thread worker = new Thread(() -> serve(socket, bytes), "raw-upstream-conn");
        worker.setDaemon(true);
        worker.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket, ByteArrayOutputStream bytes) {
    try (socket) {
      InputStream in = new Recording(socket.getInputStream(), bytes);
      OutputStream out = socket.getOutputStream();
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        heads.add(head);
        readBody(in, head);
        script.answer(head, out);
        out.flush();
      }
    } catch (IOException e) {
      // the gateway closed or reset the connection: what it sent is recorded
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        return head.toString();
      }
    }
    return null;
  }

  /** Consumes the body as the head frames it: Content-Length, chunked, or none. */
  private static void readBody(InputStream in, String head) throws IOException {
    String lower = head.toLowerCase(Locale.ROOT);
    if (lower.contains("\r\ntransfer-encoding: chunked")) {
      while (true) {
        String sizeLine = readLine(in);
        int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
        if (size == 0) {
          while (!readLine(in).isEmpty()) {
            // trailers
          }
          return;
        }
        in.readNBytes(size);
        readLine(in);
      }
    }
    int at = lower.indexOf("\r\ncontent-length:");
    if (at >= 0) {
      int end = lower.indexOf("\r\n", at + 2);
      long length = Long.parseLong(lower.substring(at + "\r\ncontent-length:".length(), end).strip());
      in.readNBytes((int) length);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int last = line.length() - 1;
        return last >= 0 && line.charAt(last) == '\r' ? line.substring(0, last) : line.toString();
      }
      line.append((char) c);
    }
    throw new IOException("connection closed mid-line");
  }

  @Override
  public void close() {
    try {
      server.close();
      for (Socket socket : sockets) {
        socket.close();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Copies every byte read into the connection's record. */
  private static final class Recording extends InputStream {
    private final InputStream in;
    private final ByteArrayOutputStream record;

    Recording(InputStream in, ByteArrayOutputStream record) {
      this.in = in;
      this.record = record;
    }

    @Override
    public int read() throws IOException {
      int c = in.read();
      if (c != -1) {
        synchronized (record) {
          record.write(c);
        }
      }
      return c;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        synchronized (record) {
          record.write(buffer, offset, n);
        }
      }
      return n;
    }
  }
}
