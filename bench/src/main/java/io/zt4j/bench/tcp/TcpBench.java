package io.zt4j.bench.tcp;

import io.zt4j.stack.socket.tcp.TcpConfig;
import io.zt4j.stack.socket.tcp.TcpListener;
import io.zt4j.stack.socket.tcp.TcpSocket;
import io.zt4j.stack.socket.tcp.TcpState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * End-to-end TCP benchmarks: zt4j stack-to-stack in memory (one thread, no crypto) next to Linux
 * loopback TCP through java.net sockets, measured in the same run.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.zt4j.bench.tcp.TcpBench [bulk|rr|cps|mem|all] [--mb N] [--mtu N] [--runs N]
 *     [--no-batch]
 * </pre>
 *
 * Frames delivered by one pass of the in-memory link are one input batch (ACK coalescing, as the
 * runtime does per loop wake-up) unless {@code --no-batch}.
 */
public final class TcpBench {
  private TcpBench() {}

  static boolean batched = true;
  /** Frames (both directions) per MiB of payload in the last zt4j bulk run. */
  static double lastFramesPerMiB;

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "all";
    long mb = 1024;
    int mtu = 0;
    int conns = 10_000;
    int runs = 3;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--mb" -> mb = Long.parseLong(args[++i]);
        case "--mtu" -> mtu = Integer.parseInt(args[++i]);
        case "--conns" -> conns = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--no-batch" -> batched = false;
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    if (what.equals("bulk") || what.equals("all")) {
      long bytes = mb << 20;
      int[] mtus = mtu > 0 ? new int[] {mtu} : new int[] {2800, 9000, 65535};
      // rounds interleave the kernel and every MTU so they see the same machine load; the
      // medians are reported (a shared 2-core machine swings by 2-3x from second to second)
      double[] kernel = new double[runs];
      double[][] ours = new double[mtus.length][runs];
      double[] framesPerMiB = new double[mtus.length];
      for (int r = 0; r < runs; r++) {
        kernel[r] = kernelBulk(bytes);
        for (int k = 0; k < mtus.length; k++) {
          ours[k][r] = zt4jBulk(bytes, mtus[k]);
          framesPerMiB[k] = lastFramesPerMiB;
        }
      }
      double km = median(kernel);
      System.out.printf(Locale.ROOT, "bulk kernel-loopback        %8.2f Gbit/s  (median of %d: %s)%n", km, runs,
          Arrays.toString(round(kernel)));
      for (int k = 0; k < mtus.length; k++) {
        double m = median(ours[k]);
        System.out.printf(Locale.ROOT,
            "bulk zt4j mtu=%-5d          %8.2f Gbit/s  ratio %.2f  (median of %d: %s), %.0f frames per MiB%s%n", mtus[k],
            m, m / km, runs, Arrays.toString(round(ours[k])), framesPerMiB[k], batched ? "" : " (no input batches)");
      }
    }
    if (what.equals("rr") || what.equals("all")) {
      int n = 200_000;
      double k = kernelPingPong(n);
      double o = zt4jPingPong(n);
      System.out.printf(Locale.ROOT, "rr 1-byte kernel-loopback   %8.2f µs/round trip%n", k);
      System.out.printf(Locale.ROOT, "rr 1-byte zt4j              %8.2f µs/round trip  ratio %.2f (kernel/zt4j time)%n", o, k / o);
    }
    if (what.equals("cps") || what.equals("all")) {
      double k = kernelConnectionsPerSecond(5_000);
      double o = zt4jConnectionsPerSecond(20_000);
      System.out.printf(Locale.ROOT, "cps kernel-loopback         %8.0f connections/s%n", k);
      System.out.printf(Locale.ROOT, "cps zt4j                    %8.0f connections/s  ratio %.2f%n", o, o / k);
    }
    if (what.equals("mem") || what.equals("all")) {
      memory(conns);
    }
  }

  static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
  }

  static double[] round(double[] v) {
    double[] c = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      c[i] = Math.round(v[i] * 100) / 100.0;
    }
    return c;
  }

  // ------------------------------------------------------------------ bulk

  static double zt4jBulk(long bytes, int mtu) {
    TcpConfig cfg = new TcpConfig();
    cfg.sendBufferBytes = 4 << 20;
    MemoryLink link = new MemoryLink(mtu, 1024);
    link.batched = batched;
    MemoryLink.Host a = link.host(0x0A000001, cfg);
    MemoryLink.Host b = link.host(0x0A000002, cfg);
    TcpListener l = b.tcp.listen(0, 0, 5001, 16);
    long now = System.nanoTime();
    TcpSocket c = a.tcp.connect(0, b.lo, 5001, now);
    TcpSocket s = null;
    while (s == null) {
      link.deliver(now);
      s = l.accept();
    }
    byte[] out = new byte[256 * 1024];
    byte[] in = new byte[256 * 1024];
    // warm-up, then the measured run
    runBulk(link, a, b, c, s, out, in, Math.min(bytes / 4, 256L << 20));
    long t0 = System.nanoTime();
    long frames0 = link.frames;
    runBulk(link, a, b, c, s, out, in, bytes);
    long t1 = System.nanoTime();
    lastFramesPerMiB = (link.frames - frames0) / (bytes / 1048576.0);
    return bytes * 8.0 / (t1 - t0);
  }

  private static void runBulk(MemoryLink link, MemoryLink.Host a, MemoryLink.Host b, TcpSocket c, TcpSocket s,
      byte[] out, byte[] in, long bytes) {
    long sent = 0;
    long received = 0;
    while (received < bytes) {
      long now = System.nanoTime();
      if (sent < bytes) {
        int w = c.send(out, 0, (int) Math.min(out.length, bytes - sent), now);
        if (w < 0) {
          throw new IllegalStateException("send failed: " + c);
        }
        sent += w;
      }
      link.deliver(now);
      int r;
      while ((r = s.receive(in, 0, in.length, now)) > 0) {
        received += r;
      }
      if (r < 0) {
        throw new IllegalStateException("receive failed: " + s);
      }
      if (a.tcp.pollAt() <= now) {
        a.tcp.poll(now);
      }
      if (b.tcp.pollAt() <= now) {
        b.tcp.poll(now);
      }
    }
  }

  static double kernelBulk(long bytes) throws Exception {
    try (ServerSocket ss = new ServerSocket()) {
      ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread writer = new Thread(() -> {
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
          OutputStream os = c.getOutputStream();
          byte[] buf = new byte[256 * 1024];
          long left = bytes + Math.min(bytes / 4, 256L << 20);
          while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            os.write(buf, 0, n);
            left -= n;
          }
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      writer.start();
      try (Socket s = ss.accept()) {
        InputStream is = s.getInputStream();
        byte[] buf = new byte[256 * 1024];
        long warm = Math.min(bytes / 4, 256L << 20);
        long got = 0;
        while (got < warm) {
          got += is.read(buf, 0, (int) Math.min(buf.length, warm - got));
        }
        long t0 = System.nanoTime();
        got = 0;
        while (got < bytes) {
          int n = is.read(buf);
          if (n < 0) {
            break;
          }
          got += n;
        }
        long t1 = System.nanoTime();
        writer.join();
        return got * 8.0 / (t1 - t0);
      }
    }
  }

  // ------------------------------------------------------------------ request/response

  static double zt4jPingPong(int rounds) {
    TcpConfig cfg = new TcpConfig();
    cfg.noDelay = true;
    MemoryLink link = new MemoryLink(2800, 64);
    MemoryLink.Host a = link.host(0x0A000001, cfg);
    MemoryLink.Host b = link.host(0x0A000002, cfg);
    TcpListener l = b.tcp.listen(0, 0, 5002, 16);
    long now = System.nanoTime();
    TcpSocket c = a.tcp.connect(0, b.lo, 5002, now);
    TcpSocket s = null;
    while (s == null) {
      link.deliver(now);
      s = l.accept();
    }
    byte[] one = {1};
    byte[] buf = new byte[16];
    pingPong(link, a, b, c, s, one, buf, rounds / 4);
    long t0 = System.nanoTime();
    pingPong(link, a, b, c, s, one, buf, rounds);
    long t1 = System.nanoTime();
    return (t1 - t0) / 1000.0 / rounds;
  }

  private static void pingPong(MemoryLink link, MemoryLink.Host a, MemoryLink.Host b, TcpSocket c, TcpSocket s,
      byte[] one, byte[] buf, int rounds) {
    for (int i = 0; i < rounds; i++) {
      long now = System.nanoTime();
      c.send(one, 0, 1, now);
      while (s.receive(buf, 0, buf.length, now) <= 0) {
        link.deliver(now);
      }
      s.send(one, 0, 1, now);
      while (c.receive(buf, 0, buf.length, now) <= 0) {
        link.deliver(now);
      }
      if (a.tcp.pollAt() <= now) {
        a.tcp.poll(now);
      }
      if (b.tcp.pollAt() <= now) {
        b.tcp.poll(now);
      }
    }
  }

  static double kernelPingPong(int rounds) throws Exception {
    try (ServerSocket ss = new ServerSocket()) {
      ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread echo = new Thread(() -> {
        try (Socket s = ss.accept()) {
          s.setTcpNoDelay(true);
          InputStream is = s.getInputStream();
          OutputStream os = s.getOutputStream();
          int b;
          while ((b = is.read()) >= 0) {
            os.write(b);
          }
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      echo.start();
      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
        c.setTcpNoDelay(true);
        InputStream is = c.getInputStream();
        OutputStream os = c.getOutputStream();
        for (int i = 0; i < rounds / 4; i++) {
          os.write(1);
          is.read();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
          os.write(1);
          is.read();
        }
        long t1 = System.nanoTime();
        c.shutdownOutput();
        echo.join();
        return (t1 - t0) / 1000.0 / rounds;
      }
    }
  }

  // ------------------------------------------------------------------ connections per second

  static double zt4jConnectionsPerSecond(int n) {
    TcpConfig cfg = new TcpConfig();
    cfg.ephemeralLow = 1024;
    cfg.ephemeralHigh = 65535;
    MemoryLink link = new MemoryLink(2800, 64);
    MemoryLink.Host a = link.host(0x0A000001, cfg);
    MemoryLink.Host b = link.host(0x0A000002, cfg);
    TcpListener l = b.tcp.listen(0, 0, 5003, 128);
    byte[] one = {1};
    byte[] buf = new byte[16];
    shortConnections(link, a, b, l, one, buf, n / 4);
    long t0 = System.nanoTime();
    shortConnections(link, a, b, l, one, buf, n);
    long t1 = System.nanoTime();
    return n / ((t1 - t0) / 1e9);
  }

  /** Each: connect, accept, 1-byte request, 1-byte response, close both ends (client ends in TIME_WAIT). */
  private static void shortConnections(MemoryLink link, MemoryLink.Host a, MemoryLink.Host b, TcpListener l,
      byte[] one, byte[] buf, int n) {
    for (int i = 0; i < n; i++) {
      long now = System.nanoTime();
      TcpSocket c = a.tcp.connect(0, b.lo, 5003, now);
      if (c.state() == TcpState.CLOSED) {
        throw new IllegalStateException("connect failed: " + c.error());
      }
      TcpSocket s = null;
      while (s == null) {
        link.deliver(now);
        s = l.accept();
      }
      c.send(one, 0, 1, now);
      while (s.receive(buf, 0, buf.length, now) <= 0) {
        link.deliver(now);
      }
      s.send(one, 0, 1, now);
      while (c.receive(buf, 0, buf.length, now) <= 0) {
        link.deliver(now);
      }
      c.close(now);
      link.deliver(now);
      s.close(now);
      link.deliver(now);
      if (a.tcp.pollAt() <= now) {
        a.tcp.poll(now);
      }
      if (b.tcp.pollAt() <= now) {
        b.tcp.poll(now);
      }
    }
  }

  static double kernelConnectionsPerSecond(int n) throws Exception {
    try (ServerSocket ss = new ServerSocket()) {
      ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      int total = n + n / 4;
      Thread server = new Thread(() -> {
        try {
          for (int i = 0; i < total; i++) {
            try (Socket s = ss.accept()) {
              InputStream is = s.getInputStream();
              is.read();
              s.getOutputStream().write(1);
            }
          }
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      server.start();
      long t0 = 0;
      for (int i = 0; i < total; i++) {
        if (i == n / 4) {
          t0 = System.nanoTime();
        }
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
          c.setTcpNoDelay(true);
          c.getOutputStream().write(1);
          c.getInputStream().read();
        }
      }
      long t1 = System.nanoTime();
      server.join();
      return n / ((t1 - t0) / 1e9);
    }
  }

  // ------------------------------------------------------------------ memory

  static void memory(int n) {
    TcpConfig cfg = new TcpConfig();
    cfg.ephemeralLow = 1024;
    cfg.ephemeralHigh = 65535;
    MemoryLink link = new MemoryLink(2800, 256);
    MemoryLink.Host a = link.host(0x0A000001, cfg);
    MemoryLink.Host b = link.host(0x0A000002, cfg);
    TcpListener l = b.tcp.listen(0, 0, 5004, 1024);
    long before = usedHeap();
    List<TcpSocket> keep = new ArrayList<>(2 * n);
    byte[] one = {1};
    byte[] buf = new byte[16];
    for (int i = 0; i < n; i++) {
      long now = System.nanoTime();
      TcpSocket c = a.tcp.connect(0, b.lo, 5004, now);
      TcpSocket s = null;
      while (s == null) {
        link.deliver(now);
        s = l.accept();
      }
      // one exchange each way so both rings have been used (and released when drained)
      c.send(one, 0, 1, now);
      link.deliver(now);
      s.receive(buf, 0, buf.length, now);
      s.send(one, 0, 1, now);
      link.deliver(now);
      c.receive(buf, 0, buf.length, now);
      keep.add(c);
      keep.add(s);
    }
    // let delayed ACKs and the idle-buffer release run (virtual time: 1 s, then 2.5 s later)
    for (long later : new long[] {1_000_000_000L, 2_500_000_000L}) {
      long now = System.nanoTime() + later;
      a.tcp.poll(now);
      b.tcp.poll(now);
      while (link.deliver(now) > 0) {
        // until the burst of delayed ACKs is through
      }
    }
    link.trim(256);
    long after = usedHeap();
    if (System.getenv("TCP_DEBUG") != null) {
      System.out.println(keep.get(0).bufferBytes() + " " + keep.get(1).bufferBytes() + " " + keep.get(keep.size() - 1).bufferBytes());
    }
    int established = 0;
    for (TcpSocket s : keep) {
      if (s.state() == TcpState.ESTABLISHED) {
        established++;
      }
    }
    System.out.printf(Locale.ROOT, "mem %d idle established connection ends (%d per stack): %.0f bytes each, %.1f MiB total, max heap %d MiB%n",
        established, n, (after - before) / (double) keep.size(), (after - before) / 1048576.0,
        Runtime.getRuntime().maxMemory() >> 20);
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
