package io.tokengate.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * Sends a large pseudo-random body, generated on the fly, as a chunked POST and reads the answer
 * as a stream; both are checksummed, nothing is held in memory. {@link #send} returns a future,
 * {@link #post} blocks (JUnit thread only).
 */
public final class LargeBody {

  private static final int CHUNK = 64 * 1024;

  /** What came back: status, length and CRC32 of both directions, and how much had been sent when the answer began. */
  public record RoundTrip(int status, long sent, long sentCrc, long received, long receivedCrc, long sentAtFirstAnswer) {
  }

  private LargeBody() {
  }

  /** Blocking form of {@link #send}, for the JUnit thread (at most 110 s). */
  public static RoundTrip post(Vertx vertx, int port, String uri, String bearer, long size) throws Exception {
    return send(vertx, port, uri, bearer, size).toCompletionStage().toCompletableFuture().get(110, TimeUnit.SECONDS);
  }

  /** Streams {@code size} bytes to {@code uri} and the answer back; completes when the answer has ended. */
  public static Future<RoundTrip> send(Vertx vertx, int port, String uri, String bearer, long size) {
    HttpClient client = vertx.createHttpClient();
    CRC32 sentCrc = new CRC32();
    CRC32 receivedCrc = new CRC32();
    AtomicLong sent = new AtomicLong();
    AtomicLong received = new AtomicLong();
    AtomicLong sentAtFirstAnswer = new AtomicLong(-1);
    Random random = new Random(7);
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI(uri).putHeader("Authorization", "Bearer " + bearer))
        .compose(request -> {
          request.setChunked(true);
          Future<HttpClientResponse> answer = request.response();
          pump(request, random, size, sent, sentCrc);
          return answer;
        })
        .compose(response -> {
          Promise<RoundTrip> done = Promise.promise();
          response.handler(buffer -> {
            sentAtFirstAnswer.compareAndSet(-1, sent.get());
            received.addAndGet(buffer.length());
            receivedCrc.update(buffer.getBytes());
          });
          response.exceptionHandler(done::tryFail);
          response.endHandler(v -> done.tryComplete(new RoundTrip(response.statusCode(), sent.get(), sentCrc.getValue(),
              received.get(), receivedCrc.getValue(), sentAtFirstAnswer.get())));
          return done.future();
        })
        .eventually(() -> client.close());
  }

  private static void pump(HttpClientRequest request, Random random, long size, AtomicLong sent, CRC32 crc) {
    while (sent.get() < size && !request.writeQueueFull()) {
      byte[] chunk = new byte[(int) Math.min(CHUNK, size - sent.get())];
      random.nextBytes(chunk);
      crc.update(chunk);
      sent.addAndGet(chunk.length);
      request.write(Buffer.buffer(chunk));
    }
    if (sent.get() >= size) {
      request.end();
    } else {
      request.drainHandler(v -> pump(request, random, size, sent, crc));
    }
  }
}
