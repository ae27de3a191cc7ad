package io.zt4j.bench.sdk;

import io.zt4j.runtime.EventLoop;
import io.zt4j.runtime.driver.MemoryLink;
import io.zt4j.runtime.driver.StackDriver;
import io.zt4j.sockets.ZeroTierServerSocket;
import io.zt4j.sockets.ZeroTierSocket;
import io.zt4j.stack.Stack;
import io.zt4j.stack.StackConfig;
import io.zt4j.stack.iface.InterfaceConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * End-to-end socket harness: the same java.net client/server code over Linux loopback TCP and
 * over zt4j's user-space stack (two stacks, each on its own loop thread, joined by an in-memory
 * link — the stack driver and TCP without the ZeroTier node), measured in one run.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.zt4j.bench.sdk.SocketBench [MB] [round trips] [idle connections]</pre>
 *
 * Reports bulk throughput one way, the 1-byte round trip (median and 99th percentile, TCP_NODELAY)
 * and heap per idle connection (both ends).
 */
public final class SocketBench {
  interface Transport {
    ServerSocket server(int port) throws Exception;

    Socket client() throws Exception;

    InetAddress serverAddress();
  }

  public static void main(String[] args) throws Exception {
    long mb = args.length > 0 ? Long.parseLong(args[0]) : 1000;
    int rtts = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int idle = args.length > 2 ? Integer.parseInt(args[2]) : 1000;

    Transport kernel = new Transport() {
      @Override
      public ServerSocket server(int port) throws Exception {
        return new ServerSocket(port, 2000, InetAddress.getLoopbackAddress());
      }

      @Override
      public Socket client() {
        return new Socket();
      }

      @Override
      public InetAddress serverAddress() {
        return InetAddress.getLoopbackAddress();
      }
    };

    EventLoop la = new EventLoop("bench-loop-a");
    EventLoop lb = new EventLoop("bench-loop-b");
    StackDriver a = new StackDriver(la, new Stack(StackConfig.of(new SplittableRandom(1))));
    StackDriver b = new StackDriver(lb, new Stack(StackConfig.of(new SplittableRandom(2))));
    MemoryLink.connect(a, InterfaceConfig.of(0x0200_0000_0001L).withAddress("10.77.0.1/24"),
        b, InterfaceConfig.of(0x0200_0000_0002L).withAddress("10.77.0.2/24"));
    InetAddress bAddr = InetAddress.getByName("10.77.0.2");
    Transport zt = new Transport() {
      @Override
      public ServerSocket server(int port) throws Exception {
        return new ZeroTierServerSocket(b, port, 2000, null);
      }

      @Override
      public Socket client() throws Exception {
        return new ZeroTierSocket(a);
      }

      @Override
      public InetAddress serverAddress() {
        return bAddr;
      }
    };

    System.out.printf("%-34s %14s %14s %14s %14s%n", "transport", "Mbit/s", "RTT p50 µs", "RTT p99 µs", "B/idle conn");
    for (int round = 0; round < 2; round++) { // the first round warms up the JIT
      boolean report = round == 1;
      row("Linux loopback TCP (java.net)", kernel, report ? mb : mb / 4, report ? rtts : rtts / 4, report ? idle : 0, 41000, report);
      row("zt4j stack + driver, memory link", zt, report ? mb : mb / 4, report ? rtts : rtts / 4, report ? idle : 0, 42000, report);
    }
    la.close();
    lb.close();
  }

  static void row(String name, Transport t, long mb, int rtts, int idle, int port, boolean report) throws Exception {
    double mbps = throughput(t, port, mb << 20);
    long[] rtt = roundTrips(t, port + 1, rtts);
    long perConn = idle > 0 ? idleHeap(t, port + 2, idle) : 0;
    if (report) {
      System.out.printf("%-34s %14.0f %14.1f %14.1f %14d%n", name, mbps, rtt[0] / 1000.0, rtt[1] / 1000.0, perConn);
    }
  }

  static Thread start(Callable<?> c) {
    Thread th = new Thread(() -> {
      try {
        c.call();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    th.setDaemon(true);
    th.start();
    return th;
  }

  static double throughput(Transport t, int port, long bytes) throws Exception {
    try (ServerSocket ss = t.server(port)) {
      Thread sink = start(() -> {
        try (Socket s = ss.accept(); InputStream in = s.getInputStream()) {
          byte[] buf = new byte[128 * 1024];
          while (in.read(buf) > 0) {
            // discard
          }
        }
        return null;
      });
      Socket c = t.client();
      c.connect(new InetSocketAddress(t.serverAddress(), port), 5000);
      byte[] buf = new byte[128 * 1024];
      new SplittableRandom(3).nextBytes(buf);
      long t0 = System.nanoTime();
      try (OutputStream out = c.getOutputStream()) {
        for (long left = bytes; left > 0; left -= buf.length) {
          out.write(buf, 0, (int) Math.min(buf.length, left));
        }
        c.shutdownOutput();
        sink.join();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      c.close();
      return bytes * 8 / secs / 1e6;
    }
  }

  static long[] roundTrips(Transport t, int port, int n) throws Exception {
    try (ServerSocket ss = t.server(port)) {
      start(() -> {
        try (Socket s = ss.accept()) {
          s.setTcpNoDelay(true);
          InputStream in = s.getInputStream();
          OutputStream out = s.getOutputStream();
          for (int b; (b = in.read()) >= 0; ) {
            out.write(b);
          }
        }
        return null;
      });
      try (Socket c = t.client()) {
        c.connect(new InetSocketAddress(t.serverAddress(), port), 5000);
        c.setTcpNoDelay(true);
        InputStream in = c.getInputStream();
        OutputStream out = c.getOutputStream();
        long[] samples = new long[n];
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime();
          out.write(i & 0x7F);
          if (in.read() != (i & 0x7F)) {
            throw new IllegalStateException("bad echo");
          }
          samples[i] = System.nanoTime() - t0;
        }
        Arrays.sort(samples);
        return new long[] {samples[n / 2], samples[(int) (n * 0.99)]};
      }
    }
  }

  static long usedHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
      best = Math.min(best, rt.totalMemory() - rt.freeMemory());
    }
    return best;
  }

  /** Heap of {@code n} idle established connections (both ends, each having echoed one byte). */
  static long idleHeap(Transport t, int port, int n) throws Exception {
    List<Socket> all = new ArrayList<>();
    try (ServerSocket ss = t.server(port)) {
      long before = usedHeap();
      for (int i = 0; i < n; i++) {
        Socket c = t.client();
        c.connect(new InetSocketAddress(t.serverAddress(), port), 5000);
        Socket s = ss.accept();
        c.getOutputStream().write(1);
        s.getInputStream().read();
        all.add(c);
        all.add(s);
      }
      // delayed ACKs go out, and idle TCP connections release their ring buffers (after 1 s
      // without traffic)
      Thread.sleep(2500);
      long after = usedHeap();
      long per = (after - before) / n;
      for (Socket s : all) {
        s.close();
      }
      return per;
    }
  }
}
