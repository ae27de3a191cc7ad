package io.zt4j.testkit.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Arrays;
import java.util.Iterator;

/**
 * A single-threaded {@link Selector} echo server and a single-threaded selector load client,
 * written against plain {@code java.nio} so the same code runs on any {@link SelectorProvider}
 * (the JDK's over kernel sockets, or a virtual network's). The client checks every echoed byte
 * and measures each request's round trip.
 */
public final class NioEcho {
  private NioEcho() {}

  /**
   * Serves echo on {@code server} (bound; switched to non-blocking here) with one thread until
   * {@code selector} is closed. Connections use {@code TCP_NODELAY}, as request/response servers do. Each connection reads into a 16 KiB buffer and writes it back;
   * while a write is incomplete the connection stops reading (backpressure), and at end of stream
   * it finishes writing and closes.
   */
  public static void serve(Selector selector, ServerSocketChannel server) throws IOException {
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    try {
      while (selector.isOpen()) {
        selector.select();
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          try {
            if (k.isAcceptable()) {
              for (SocketChannel c; (c = server.accept()) != null; ) {
                c.configureBlocking(false);
                c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                c.register(selector, SelectionKey.OP_READ, new Conn());
              }
            } else {
              echo(k);
            }
          } catch (IOException | java.nio.channels.CancelledKeyException e) {
            k.channel().close();
          }
        }
      }
    } catch (ClosedSelectorException closed) {
      // closed by the owner: done
    }
  }

  private static final class Conn {
    final ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
    boolean eof;
  }

  private static void echo(SelectionKey k) throws IOException {
    SocketChannel c = (SocketChannel) k.channel();
    Conn s = (Conn) k.attachment();
    if (k.isReadable() && !s.eof) {
      if (c.read(s.buf) < 0) {
        s.eof = true;
      }
    }
    s.buf.flip();
    c.write(s.buf);
    s.buf.compact();
    if (s.buf.position() > 0) {
      k.interestOps(SelectionKey.OP_WRITE); // drain before reading more
    } else if (s.eof) {
      c.close();
    } else {
      k.interestOps(SelectionKey.OP_READ);
    }
  }

  /** What a {@link #load} run measured. */
  public record Result(int connections, long requests, long bytes, long nanos, long[] latencyNanos) {
    /** Requests per second over the whole run. */
    public double requestsPerSecond() {
      return requests * 1e9 / nanos;
    }

    /** The {@code p}-th percentile round trip in microseconds (p in 0..100). */
    public double percentileMicros(double p) {
      long[] sorted = latencyNanos.clone();
      Arrays.sort(sorted);
      int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100.0 * sorted.length) - 1));
      return sorted[i] / 1000.0;
    }
  }

  /**
   * Opens {@code connections} non-blocking connections to {@code server} at once and, on each,
   * sends {@code requests} requests of {@code requestBytes} bytes one after the other (the next
   * when the previous one's echo has fully arrived), all on the calling thread with one selector.
   * Every echoed byte is checked against what was sent (a per-connection pattern). Connections
   * use {@code TCP_NODELAY}.
   *
   * @throws IllegalStateException on a wrong byte, a closed connection or when {@code timeoutMillis} passes
   */
  public static Result load(SelectorProvider provider, InetSocketAddress server, int connections, int requests,
      int requestBytes, long timeoutMillis) throws IOException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    long[] latencies = new long[connections * requests];
    int[] recorded = {0};
    long t0 = System.nanoTime();
    try (Selector sel = provider.openSelector()) {
      Client[] clients = new Client[connections];
      for (int i = 0; i < connections; i++) {
        SocketChannel c = provider.openSocketChannel();
        c.configureBlocking(false);
        c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        clients[i] = new Client(i, c, requests, requestBytes);
        if (c.connect(server)) {
          clients[i].connected(c.register(sel, 0, clients[i]));
        } else {
          c.register(sel, SelectionKey.OP_CONNECT, clients[i]);
        }
      }
      int done = 0;
      while (done < connections) {
        long wait = (deadline - System.nanoTime()) / 1_000_000;
        if (wait <= 0) {
          int stuck = 0;
          for (Client c : clients) {
            stuck += c.finished ? 0 : 1;
          }
          throw new IllegalStateException(stuck + " of " + connections + " connections not done after "
              + timeoutMillis + " ms");
        }
        sel.select(Math.max(1, wait));
        Iterator<SelectionKey> it = sel.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          Client cl = (Client) k.attachment();
          if (k.isConnectable()) {
            ((SocketChannel) k.channel()).finishConnect();
            cl.connected(k);
            continue;
          }
          if (cl.step(k, latencies, recorded)) {
            done++;
          }
        }
      }
      long nanos = System.nanoTime() - t0;
      long bytes = 2L * connections * requests * requestBytes;
      return new Result(connections, (long) connections * requests, bytes, nanos,
          Arrays.copyOf(latencies, recorded[0]));
    }
  }

  /** The byte at {@code position} of connection {@code id}'s stream. */
  static byte pattern(int id, long position) {
    long x = position * 0x9E3779B97F4A7C15L + id * 0xC2B2AE3D27D4EB4FL;
    return (byte) (x >>> 56);
  }

  private static final class Client {
    final int id;
    final SocketChannel channel;
    final int requests;
    final int requestBytes;
    final ByteBuffer out;
    final ByteBuffer in;
    int sentRequests;
    long sentBytes;
    long receivedBytes;
    long requestStartedAt;
    boolean finished;

    Client(int id, SocketChannel channel, int requests, int requestBytes) {
      this.id = id;
      this.channel = channel;
      this.requests = requests;
      this.requestBytes = requestBytes;
      this.out = ByteBuffer.allocate(requestBytes);
      this.in = ByteBuffer.allocate(Math.max(requestBytes, 16 * 1024));
    }

    void connected(SelectionKey k) throws IOException {
      nextRequest(k);
    }

    private void nextRequest(SelectionKey k) throws IOException {
      out.clear();
      for (int i = 0; i < requestBytes; i++) {
        out.put(pattern(id, sentBytes + i));
      }
      out.flip();
      sentBytes += requestBytes;
      sentRequests++;
      requestStartedAt = System.nanoTime();
      channel.write(out);
      k.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    /** Handles readiness; true when this connection has finished all its requests. */
    boolean step(SelectionKey k, long[] latencies, int[] recorded) throws IOException {
      if (k.isWritable() && out.hasRemaining()) {
        channel.write(out);
        if (!out.hasRemaining()) {
          k.interestOps(SelectionKey.OP_READ);
        }
      }
      if (!k.isReadable()) {
        return false;
      }
      in.clear();
      int n = channel.read(in);
      if (n < 0) {
        throw new IllegalStateException("connection " + id + " closed by the server after " + receivedBytes + " bytes");
      }
      in.flip();
      while (in.hasRemaining()) {
        byte b = in.get();
        byte want = pattern(id, receivedBytes);
        if (b != want) {
          throw new IllegalStateException("connection " + id + ": byte " + receivedBytes + " is " + b + ", sent " + want);
        }
        receivedBytes++;
      }
      if (receivedBytes > sentBytes) {
        throw new IllegalStateException("connection " + id + ": more bytes echoed than sent");
      }
      if (receivedBytes == sentBytes && !out.hasRemaining()) {
        latencies[recorded[0]++] = System.nanoTime() - requestStartedAt;
        if (sentRequests == requests) {
          finished = true;
          k.cancel();
          channel.close();
          return true;
        }
        nextRequest(k);
      }
      return false;
    }
  }
}
