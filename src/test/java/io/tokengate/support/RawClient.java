package io.tokengate.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A client on a plain socket, for requests an HTTP library would not send as written. */
public final class RawClient implements AutoCloseable {

  private final Socket socket;

  public RawClient(int port) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(5000);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends {@code request} as written on a new connection and returns all the server sent until it closed. */
  public static String exchange(int port, String request) {
    try (RawClient client = new RawClient(port)) {
      client.send(request);
      return client.readUntilClosed();
    }
  }

  public Socket socket() {
    return socket;
  }

  public RawClient send(String bytes) {
    try {
      socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return this;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Everything until the server closes the connection (fails after the 5 s read timeout). */
  public String readUntilClosed() {
    try {
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection within 5 s", e);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads until {@code marker} has arrived (and returns all read), or fails after the read timeout. */
  public String readUntil(String marker) {
    try {
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      while (!read.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
        int c = in.read();
        if (c == -1) {
          throw new AssertionError("closed before \"" + marker + "\"; got: " + read.toString(StandardCharsets.ISO_8859_1));
        }
        read.write(c);
      }
      return read.toString(StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
