package io.zt4j.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The latency floor of a JVM-to-JVM ping-pong on this machine with plain JDK code and no zt4j:
 * one-byte UDP datagrams over 127.0.0.1 between this JVM and a child JVM, with the thread
 * hand-offs a user-space network runtime can have, from none to those of zt4j's path before
 * application-thread send.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.zt4j.bench.e2e.UdpFloorBench [--n 10000] [--rounds 3]
 * </pre>
 *
 * Modes (both JVMs run the same one), wake-ups per direction in brackets:
 *
 * <ul>
 *   <li>{@code blocking} [1]: the application thread sends and blocks in {@code receive};
 *   <li>{@code selector} [1]: one selector thread receives and answers (no application thread);
 *   <li>{@code inline} [2]: the application thread sends itself; a selector thread receives and
 *       unparks it (zt4j with application-thread send);
 *   <li>{@code handoff} [3]: the application thread queues the datagram and wakes the selector
 *       thread, which sends; the selector thread receives and unparks the application thread
 *       (zt4j before application-thread send).
 * </ul>
 */
public final class UdpFloorBench {
  private static final String[] MODES = {"blocking", "selector", "inline", "handoff"};

  private UdpFloorBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("echo")) {
      echoMain(args[1]);
      return;
    }
    int n = 10_000;
    int rounds = 3;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--n" -> n = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (use --n N --rounds N)");
      }
    }
    System.out.printf(Locale.ROOT, "machine: %d CPUs, load average %.2f%n", Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf(Locale.ROOT, "%-10s %12s %12s%n", "mode", "RTT p50 µs", "RTT p99 µs");
    for (int r = 0; r < rounds; r++) {
      for (String mode : MODES) {
        long[] q = measure(mode, n);
        System.out.printf(Locale.ROOT, "%-10s %12.1f %12.1f%n", mode, q[0] / 1000.0, q[1] / 1000.0);
      }
    }
  }

  private static long[] measure(String mode, int n) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        UdpFloorBench.class.getName(), "echo", mode).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      int port = Integer.parseInt(r.readLine().strip());
      Side side = new Side(mode);
      SocketAddress peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      long[] samples = new long[n];
      int warm = Math.max(1000, n / 5);
      for (int i = -warm; i < n; i++) {
        long t0 = System.nanoTime();
        side.send(peer, (byte) i);
        if (side.receive() != (byte) i) {
          throw new IOException("bad echo");
        }
        if (i >= 0) {
          samples[i] = System.nanoTime() - t0;
        }
      }
      side.close();
      Arrays.sort(samples);
      return new long[] {samples[n / 2], samples[(int) (n * 0.99)]};
    } finally {
      p.destroy();
      p.waitFor();
    }
  }

  /** Child JVM: echoes every datagram, in {@code mode}, until killed. */
  private static void echoMain(String mode) throws Exception {
    Side side = new Side(mode);
    System.out.println(side.port());
    System.out.flush();
    for (;;) {
      byte b = side.receive();
      side.send(side.lastFrom, b);
    }
  }

  /** Path shorthand (no java.nio.file import clash in the sources above). */
  private static final class Path {
    static String of(String first, String... more) {
      return java.nio.file.Path.of(first, more).toString();
    }
  }

  /** One end: a UDP channel and, unless blocking, a selector thread. */
  private static final class Side {
    private final String mode;
    private final DatagramChannel ch;
    private final Selector selector;
    private final ByteBuffer out = ByteBuffer.allocateDirect(64);
    private final ByteBuffer in = ByteBuffer.allocateDirect(64);
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private volatile Thread app;
    private volatile int received = -1; // the byte the selector thread took, -1 none
    private volatile int outgoing = -1; // handoff: the byte the application queued, -1 none
    private volatile SocketAddress outgoingTo;
    private volatile SocketAddress lastFrom;
    private volatile boolean closed;
    private final List<Thread> threads = new ArrayList<>();

    Side(String mode) throws IOException {
      this.mode = mode;
      ch = DatagramChannel.open();
      ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      if (mode.equals("blocking")) {
        selector = null;
        return;
      }
      ch.configureBlocking(false);
      selector = Selector.open();
      ch.register(selector, SelectionKey.OP_READ);
      if (mode.equals("selector")) {
        return; // the calling thread is the selector thread
      }
      Thread t = new Thread(this::loop, "floor-selector");
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }

    int port() throws IOException {
      return ((InetSocketAddress) ch.getLocalAddress()).getPort();
    }

    /** Selector thread: receive, then (selector mode) answer or (others) hand to the app thread; send queued bytes. */
    private void loop() {
      try {
        while (!closed) {
          int q = outgoing;
          if (q >= 0) {
            outgoing = -1;
            out.clear().put((byte) q).flip();
            ch.send(out, outgoingTo);
          }
          for (;;) {
            in.clear();
            SocketAddress from = ch.receive(in);
            if (from == null) {
              break;
            }
            lastFrom = from;
            received = in.get(0) & 0xFF;
            Thread a = app;
            if (a != null) {
              LockSupport.unpark(a);
            }
          }
          sleeping.set(true);
          if (outgoing < 0 && !closed) {
            selector.select();
          }
          sleeping.set(false);
          selector.selectedKeys().clear();
        }
      } catch (IOException e) {
        if (!closed) {
          e.printStackTrace();
        }
      }
    }

    void send(SocketAddress to, byte b) throws IOException {
      if (mode.equals("handoff")) {
        outgoingTo = to;
        outgoing = b & 0xFF;
        if (sleeping.get()) {
          selector.wakeup();
        }
        return;
      }
      out.clear().put(b).flip();
      ch.send(out, to);
    }

    byte receive() throws IOException {
      if (mode.equals("blocking")) {
        in.clear();
        lastFrom = ch.receive(in);
        return in.get(0);
      }
      if (mode.equals("selector")) {
        for (;;) {
          in.clear();
          SocketAddress from = ch.receive(in);
          if (from != null) {
            lastFrom = from;
            return in.get(0);
          }
          selector.select();
          selector.selectedKeys().clear();
        }
      }
      app = Thread.currentThread();
      for (;;) {
        int r = received;
        if (r >= 0) {
          received = -1;
          return (byte) r;
        }
        LockSupport.park(this);
      }
    }

    void close() throws IOException {
      closed = true;
      if (selector != null) {
        selector.wakeup();
      }
      ch.close();
    }
  }
}
