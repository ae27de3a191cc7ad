package io.zt4j.sockets;

import static io.zt4j.sockets.StackPair.B4;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Application-thread send ({@code EventLoop.runIfIdle}): writes, closes and reads that find the
 * loop asleep run the stack on the calling thread under the loop's core lock. Two stacks in one
 * JVM, each on its own loop, joined by a {@code MemoryLink} that counts frames sent by a thread
 * not owning its loop's cores.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InlineSendTest {
  final StackPair net = new StackPair();

  @AfterEach
  void close() {
    net.close();
  }

  Socket client(int port) throws IOException {
    Socket s = new ZeroTierSocket(net.a);
    s.connect(new InetSocketAddress(B4, port), 5000);
    s.setTcpNoDelay(true);
    return s;
  }

  /** Echoes every accepted connection on its own thread until the listener closes. */
  static void echoAll(ServerSocket ss) {
    Thread t = new Thread(() -> {
      for (;;) {
        Socket s;
        try {
          s = ss.accept();
        } catch (IOException e) {
          return;
        }
        Thread h = new Thread(() -> {
          try (s) {
            byte[] buf = new byte[16 * 1024];
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (int n; (n = in.read(buf)) > 0; ) {
              out.write(buf, 0, n);
            }
          } catch (IOException e) {
            // connection ended
          }
        }, "test-echo");
        h.setDaemon(true);
        h.start();
      }
    }, "test-accept");
    t.setDaemon(true);
    t.start();
  }

  static byte[] bytes(long seed, int n) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  @Test
  void manyWritersOnManyConnectionsWhileTheLoopsReceiveKeepEveryByte() throws Exception {
    int connections = 12;
    int size = 1 << 20;
    try (ServerSocket ss = new ZeroTierServerSocket(net.b, 40, 64, null)) {
      echoAll(ss);
      List<CompletableFuture<byte[]>> echoed = new ArrayList<>();
      List<Socket> sockets = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        Socket s = client(40);
        sockets.add(s);
        byte[] data = bytes(i, size);
        int seed = i;
        // one writer (random chunk sizes, from 1 byte) and one reader per connection
        CompletableFuture.runAsync(() -> {
          SplittableRandom r = new SplittableRandom(seed);
          try {
            OutputStream out = s.getOutputStream();
            for (int off = 0; off < size; ) {
              int n = Math.min(size - off, r.nextInt(2) == 0 ? 1 + r.nextInt(64) : 1 + r.nextInt(20_000));
              out.write(data, off, n);
              off += n;
            }
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        }, runnable -> new Thread(runnable, "test-writer").start());
        echoed.add(CompletableFuture.supplyAsync(() -> {
          try {
            byte[] back = new byte[size];
            new DataInputStream(s.getInputStream()).readFully(back);
            return MessageDigest.getInstance("SHA-256").digest(back);
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }, runnable -> new Thread(runnable, "test-reader").start()));
      }
      for (int i = 0; i < connections; i++) {
        assertThat(echoed.get(i).get(90, TimeUnit.SECONDS)).as("connection %d", i)
            .isEqualTo(MessageDigest.getInstance("SHA-256").digest(bytes(i, size)));
      }
      for (Socket s : sockets) {
        s.close();
      }
    }
    assertThat(net.link.framesFromNonOwners()).as("frames sent by a thread not owning its loop's cores").isZero();
    assertThat(net.loopA.call(net.loopA::inlineRuns)).as("writes sent on the writing thread (side A)").isPositive();
    assertThat(net.loopB.call(net.loopB::inlineRuns)).as("writes sent on the writing thread (side B)").isPositive();
    assertThat(net.loopA.failure()).isNull();
    assertThat(net.loopB.failure()).isNull();
  }

  @Test
  void closeDuringInlineSendFailsTheWriterWithSocketClosedAndReleasesTheConnection() throws Exception {
    SplittableRandom r = new SplittableRandom(5);
    try (ServerSocket ss = new ZeroTierServerSocket(net.b, 41, 64, null)) {
      for (int round = 0; round < 25; round++) {
        Socket c = client(41);
        Socket s = ss.accept();
        CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() -> {
          long total = 0;
          byte[] buf = new byte[32 * 1024];
          try (s) {
            for (int n; (n = s.getInputStream().read(buf)) > 0; ) {
              total += n;
            }
          } catch (IOException e) {
            // reset: fine, the end is what matters
          }
          return total;
        });
        AtomicBoolean started = new AtomicBoolean();
        CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
          byte[] chunk = new byte[1 + r.nextInt(16 * 1024)];
          try {
            OutputStream out = c.getOutputStream();
            for (;;) {
              out.write(chunk);
              started.set(true);
            }
          } catch (IOException e) {
            return e;
          }
        });
        while (!started.get()) {
          Thread.onSpinWait();
        }
        Thread.sleep(r.nextInt(4));
        c.close();
        Throwable e = writer.get(10, TimeUnit.SECONDS);
        assertThat(e).isExactlyInstanceOf(SocketException.class).hasMessage("Socket closed");
        assertThat(drained.get(10, TimeUnit.SECONDS)).isPositive();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (net.a.openSockets() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(net.a.openSockets()).as("every closed connection released on side A").isZero();
      // the loops still work
      echoAll(ss);
      try (Socket c = client(41)) {
        c.getOutputStream().write(42);
        assertThat(c.getInputStream().read()).isEqualTo(42);
      }
    }
    assertThat(net.link.framesFromNonOwners()).isZero();
    assertThat(net.loopA.failure()).isNull();
  }

  @Test
  void writesFromCodeHoldingTheCoreLockAreQueuedNotRunReentrantly() throws Exception {
    try (ServerSocket ss = new ZeroTierServerSocket(net.b, 42, 64, null)) {
      Socket c1 = client(42);
      Socket s1 = ss.accept();
      Socket c2 = client(42);
      Socket s2 = ss.accept();
      OutputStream out2 = c2.getOutputStream();
      // (1) a write from a loop command (as from a listener callback on the loop thread)
      net.loopA.call(() -> {
        out2.write('L');
        return null;
      });
      assertThat(s2.getInputStream().read()).isEqualTo('L');
      // (2) writes from an iteration-end hook, which also runs at the end of inline runs on
      // application threads holding the core lock
      AtomicBoolean armed = new AtomicBoolean();
      AtomicInteger hookWrites = new AtomicInteger();
      List<String> hookThreads = new CopyOnWriteArrayList<>();
      List<Throwable> hookErrors = new CopyOnWriteArrayList<>();
      net.loopA.call(() -> {
        net.loopA.onIterationEnd(() -> {
          if (armed.compareAndSet(true, false)) {
            hookThreads.add(Thread.currentThread().getName());
            try {
              out2.write('H');
              hookWrites.incrementAndGet();
            } catch (IOException e) {
              hookErrors.add(e);
            }
          }
        });
        return null;
      });
      OutputStream out1 = c1.getOutputStream();
      InputStream in1 = s1.getInputStream();
      for (int i = 0; i < 200 && hookThreads.stream().allMatch(n -> n.equals("test-loop-a")); i++) {
        Thread.sleep(5); // let loop A go to sleep so the write below runs inline
        armed.set(true);
        out1.write('x');
        assertThat(in1.read()).isEqualTo('x');
      }
      armed.set(false);
      assertThat(hookErrors).isEmpty();
      assertThat(hookThreads).as("the hook ran inside an inline run on the writing thread")
          .anyMatch(n -> !n.equals("test-loop-a"));
      InputStream in2 = s2.getInputStream();
      for (int i = 0; i < hookWrites.get(); i++) {
        assertThat(in2.read()).isEqualTo('H');
      }
      c1.close();
      c2.close();
      s1.close();
      s2.close();
    }
    assertThat(net.link.framesFromNonOwners()).isZero();
  }
}
