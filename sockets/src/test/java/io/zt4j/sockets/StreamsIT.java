package io.zt4j.sockets;

import static io.zt4j.sockets.StackPair.B4;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Volume tests of the stack driver over two stacks in one JVM (an in-memory link, no node). */
class StreamsIT {
  static final long GB = Long.getLong("zt4j.it.bytes", 1L << 30);
  final StackPair net = new StackPair();

  @AfterEach
  void close() {
    net.close();
  }

  /** Writes {@code total} pseudo-random bytes and returns their SHA-256. */
  static byte[] send(OutputStream out, long total, long seed) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    SplittableRandom r = new SplittableRandom(seed);
    byte[] buf = new byte[64 * 1024];
    for (long left = total; left > 0; ) {
      int n = (int) Math.min(buf.length, left);
      for (int i = 0; i < n; i += 8) {
        long v = r.nextLong();
        for (int k = 0; k < 8 && i + k < n; k++) {
          buf[i + k] = (byte) (v >>> (8 * k));
        }
      }
      out.write(buf, 0, n);
      md.update(buf, 0, n);
      left -= n;
    }
    return md.digest();
  }

  /** Reads to end of stream; returns {SHA-256, count}. */
  static Object[] receive(InputStream in) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[64 * 1024];
    long count = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      md.update(buf, 0, n);
      count += n;
    }
    return new Object[] {md.digest(), count};
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void oneGigabyteEachWayWithMatchingSha256() throws Exception {
    try (ServerSocket ss = new ZeroTierServerSocket(net.b, 5001, 50, null)) {
      Socket c = new ZeroTierSocket(net.a);
      c.connect(new InetSocketAddress(B4, 5001), 5000);
      Socket s = ss.accept();
      long t0 = System.nanoTime();
      CompletableFuture<byte[]> aSends = CompletableFuture.supplyAsync(() -> call(() -> {
        byte[] h = send(c.getOutputStream(), GB, 1);
        c.shutdownOutput();
        return h;
      }));
      CompletableFuture<byte[]> bSends = CompletableFuture.supplyAsync(() -> call(() -> {
        byte[] h = send(s.getOutputStream(), GB, 2);
        s.shutdownOutput();
        return h;
      }));
      CompletableFuture<Object[]> bGets = CompletableFuture.supplyAsync(() -> call(() -> receive(s.getInputStream())));
      Object[] aGot = receive(c.getInputStream());
      Object[] bGot = bGets.get(280, TimeUnit.SECONDS);
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf("2 x %d MB over the in-memory link: %.1f s, %.0f Mbit/s per direction%n", GB / 1_000_000, secs, GB * 8 / secs / 1e6);
      assertThat((long) aGot[1]).isEqualTo(GB);
      assertThat((long) bGot[1]).isEqualTo(GB);
      assertThat((byte[]) bGot[0]).isEqualTo(aSends.get());
      assertThat((byte[]) aGot[0]).isEqualTo(bSends.get());
      c.close();
      s.close();
    }
  }

  interface Call<T> {
    T call() throws Exception;
  }

  static <T> T call(Call<T> c) {
    try {
      return c.call();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aThousandConcurrentConnections() throws Exception {
    int n = 1000;
    ExecutorService pool = Executors.newFixedThreadPool(2 * n + 1);
    try (ServerSocket ss = new ZeroTierServerSocket(net.b, 5002, n, null)) {
      pool.submit(() -> {
        for (int i = 0; i < n; i++) {
          Socket s = ss.accept();
          pool.submit(() -> {
            try (s) {
              s.getOutputStream().write(s.getInputStream().readNBytes(1000));
            }
            return null;
          });
        }
        return null;
      });
      List<Socket> clients = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Socket c = new ZeroTierSocket(net.a);
        c.connect(new InetSocketAddress(B4, 5002), 10_000);
        clients.add(c);
      }
      // every connection is open at once; now each echoes 1000 bytes
      List<CompletableFuture<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Socket c = clients.get(i);
        byte[] msg = new byte[1000];
        new SplittableRandom(i).nextBytes(msg);
        results.add(CompletableFuture.supplyAsync(() -> call(() -> {
          c.getOutputStream().write(msg);
          byte[] back = c.getInputStream().readNBytes(1000);
          boolean ok = java.util.Arrays.equals(msg, back) && c.getInputStream().read() == -1;
          c.close();
          return ok;
        }), pool));
      }
      long ok = 0;
      for (CompletableFuture<Boolean> f : results) {
        ok += f.get(100, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(ok).isEqualTo(n);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void slowReaderBoundsWhatAFastWriterBuffers() throws Exception {
    try (ServerSocket ss = new ZeroTierServerSocket(net.b, 5003, 50, null)) {
      Socket c = new ZeroTierSocket(net.a);
      c.connect(new InetSocketAddress(B4, 5003), 5000);
      Socket s = ss.accept();
      long total = 64L << 20;
      long[] written = {0};
      CompletableFuture<byte[]> writer = CompletableFuture.supplyAsync(() -> call(() -> {
        OutputStream out = c.getOutputStream();
        OutputStream counting = new OutputStream() {
          @Override
          public void write(int b) {
            throw new UnsupportedOperationException();
          }

          @Override
          public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
            synchronized (written) {
              written[0] += len;
            }
          }
        };
        byte[] h = send(counting, total, 3);
        c.shutdownOutput();
        return h;
      }));
      // the reader does not read for a second: the writer must block with bounded buffering
      Thread.sleep(1000);
      long stuck;
      synchronized (written) {
        stuck = written[0];
      }
      Runtime rt = Runtime.getRuntime();
      System.out.printf("writer blocked after %d KiB (heap used %d MiB)%n", stuck >> 10, (rt.totalMemory() - rt.freeMemory()) >> 20);
      // app tx 256 KiB + TCP send buffer 1 MiB + peer TCP receive buffer (at most 6 MiB) + rx 256 KiB
      assertThat(stuck).isLessThan(8L << 20).isGreaterThan(64 * 1024);
      assertThat(writer).isNotDone();
      // then a slow reader: small reads with pauses, then the rest
      InputStream in = s.getInputStream();
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] small = new byte[4096];
      long got = 0;
      for (int i = 0; i < 50; i++) {
        int n = in.read(small);
        md.update(small, 0, n);
        got += n;
        Thread.sleep(5);
      }
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
        got += n;
      }
      assertThat(got).isEqualTo(total);
      assertThat(md.digest()).isEqualTo(writer.get(60, TimeUnit.SECONDS));
      c.close();
      s.close();
    }
  }
}
