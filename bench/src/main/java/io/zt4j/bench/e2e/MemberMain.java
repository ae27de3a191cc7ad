package io.zt4j.bench.e2e;

import io.zt4j.node.PeerInfo;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.NetworkStatus;
import io.zt4j.node.vl2.VirtualNetworkConfig;
import io.zt4j.node.wire.World;
import io.zt4j.runtime.NodeRunner;
import io.zt4j.sockets.ZeroTierServerSocket;
import io.zt4j.sockets.ZeroTierSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One member node of {@link TwoNodeBench}, in its own JVM. Arguments: name, planet (hex), network
 * ID (hex); the identity secret is the first line on stdin. Starts the node, joins, prints
 * {@code READY address ip ztPort kernelPort onlineMs readyMs nodeHeapBytes}, then answers one
 * line per command line:
 *
 * <ul>
 *   <li>{@code bulk zt|kernel IP PORT BYTES} → Mbit/s
 *   <li>{@code rtt zt|kernel IP PORT N} → p50 and p99 in ns
 *   <li>{@code idle zt|kernel IP PORT N} → heap per held connection (this end), bytes
 *   <li>{@code fresh IDENTITY}: one more node in this warm JVM, start to ONLINE and to ready (ms)
 *   <li>{@code closeidle}, {@code heap} (used heap after GC), {@code cpu} (process CPU time, ns),
 *       {@code peer ADDRESS}, {@code diag}, {@code quit}
 * </ul>
 *
 * Both a zt4j and a kernel (127.0.0.1) server socket accept; a connection's first byte says what
 * it is: {@code B} bulk sink (answers one byte after end of data), {@code E} 1-byte echo,
 * {@code I} idle (echoes one byte, then is held open without a thread).
 */
public final class MemberMain {
  private static final List<Socket> held = new ArrayList<>();

  private MemberMain() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err); // anything else printing goes to the parent's stderr
    String name = args[0];
    World planet = World.parse(HexFormat.of().parseHex(args[1])).value();
    long nwid = Long.parseUnsignedLong(args[2], 16);
    BufferedReader cmds = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Identity id = Identity.fromString(cmds.readLine().strip()).orElseThrow();
    long heapBefore = usedHeap();

    CountDownLatch ready = new CountDownLatch(1);
    AtomicReference<VirtualNetworkConfig> config = new AtomicReference<>();
    boolean verbose = Boolean.getBoolean("zt4j.bench.verbose");
    long t0 = System.nanoTime();
    NodeRunner node = NodeRunner.start(new NodeRunner.Options().identity(id).planet(planet)
        .bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0))
        .allowLoopbackPaths(true).name("bench-" + name)
        .listener(e -> {
          if (verbose) {
            System.err.printf("%s %6.1f ms %s%n", name, (System.nanoTime() - t0) / 1e6, e);
          }
        })
        .networkListener((nw, op, c) -> {
          if (verbose) {
            System.err.printf("%s %6.1f ms network %s %s %s%n", name, (System.nanoTime() - t0) / 1e6, op, c.status(),
                c.assignedAddresses());
          }
          if (nw == nwid && c.status() == NetworkStatus.OK && !c.ipv4Addresses().isEmpty()) {
            config.set(c);
            ready.countDown();
          }
        }));
    if (verbose) {
      System.err.printf("%s %6.1f ms started%n", name, (System.nanoTime() - t0) / 1e6);
    }
    node.join(nwid);
    if (!node.awaitOnline(Duration.ofSeconds(30))) {
      throw new IllegalStateException(name + ": not online after 30 s");
    }
    long onlineMs = (System.nanoTime() - t0) / 1_000_000;
    if (!ready.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + ": network not ready after 60 s: " + node.network(nwid));
    }
    long readyMs = (System.nanoTime() - t0) / 1_000_000;
    long nodeHeap = usedHeap() - heapBefore;
    InetAddress ip = InetAddress.getByAddress(config.get().ipv4Addresses().get(0).ip());

    ServerSocket zt = new ZeroTierServerSocket(node.driver(), 0, 2000, null);
    ServerSocket kernel = new ServerSocket(0, 2000, InetAddress.getLoopbackAddress());
    serve(zt);
    serve(kernel);
    out.printf("READY %s %s %d %d %d %d %d%n", node.address(), ip.getHostAddress(), zt.getLocalPort(),
        kernel.getLocalPort(), onlineMs, readyMs, nodeHeap);

    for (String line; (line = cmds.readLine()) != null; ) {
      String[] f = line.strip().split(" ");
      try {
        switch (f[0]) {
          case "bulk" -> out.printf("OK %.1f%n", bulk(node, f[1], f[2], Integer.parseInt(f[3]), Long.parseLong(f[4])));
          case "rtt" -> {
            long[] r = rtt(node, f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]));
            out.printf("OK %d %d%n", r[0], r[1]);
          }
          case "idle" -> out.printf("OK %d%n", idle(node, f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4])));
          case "closeidle" -> {
            synchronized (held) {
              for (Socket s : held) {
                s.close();
              }
              held.clear();
            }
            out.println("OK");
          }
          case "probe" -> out.printf("OK %s%n", io.zt4j.runtime.LatencyProbe.summaryAndReset());
          case "heap" -> out.printf("OK %d%n", usedHeap());
          case "fresh" -> out.printf("OK %s%n", fresh(planet, nwid, Identity.fromString(f[1]).orElseThrow()));
          case "cpu" -> out.printf("OK %s%n", cpu(node));
          case "diag" -> out.printf("OK %s; vl2 drops %s; stack %s; peers %s%n", counters(node),
              node.call(n -> n.vl2().drops()), node.call(n -> node.driver().stack().stats()),
              node.peers().stream().map(p -> p.address() + " " + describe(p)).toList());
          case "peer" -> out.printf("OK %s%n", node.peers().stream().filter(p -> p.address().toString().equals(f[1]))
              .findFirst().map(MemberMain::describe).orElse("unknown"));
          case "quit" -> {
            out.println("OK");
            node.close();
            System.exit(0);
          }
          default -> out.println("ERR unknown command " + f[0]);
        }
      } catch (Exception e) {
        e.printStackTrace();
        out.println("ERR " + e);
      }
    }
    node.close();
    System.exit(0);
  }

  /**
   * Starts one more node in this (warm) JVM with {@code id} (already authorized), joins, waits for
   * the network, stops it: "start() -> ONLINE ms, start() -> network ready ms".
   */
  static String fresh(World planet, long nwid, Identity id) throws Exception {
    CountDownLatch ready = new CountDownLatch(1);
    long t0 = System.nanoTime();
    try (NodeRunner n = NodeRunner.start(new NodeRunner.Options().identity(id).planet(planet)
        .bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0))
        .allowLoopbackPaths(true).name("bench-fresh")
        .listener(e -> {
          if (Boolean.getBoolean("zt4j.bench.verbose")) {
            System.err.printf("fresh %6.1f ms %s%n", (System.nanoTime() - t0) / 1e6, e);
          }
        })
        .networkListener((nw, op, c) -> {
          if (Boolean.getBoolean("zt4j.bench.verbose")) {
            System.err.printf("fresh %6.1f ms network %s %s %s%n", (System.nanoTime() - t0) / 1e6, op, c.status(),
                c.assignedAddresses());
          }
          if (nw == nwid && c.status() == NetworkStatus.OK && !c.ipv4Addresses().isEmpty()) {
            ready.countDown();
          }
        }))) {
      if (Boolean.getBoolean("zt4j.bench.verbose")) {
        System.err.printf("fresh %6.1f ms started%n", (System.nanoTime() - t0) / 1e6);
      }
      n.join(nwid);
      if (!n.awaitOnline(Duration.ofSeconds(30))) {
        throw new IllegalStateException("fresh node not online after 30 s");
      }
      long online = (System.nanoTime() - t0) / 1_000_000;
      if (!ready.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("fresh node: network not ready after 60 s");
      }
      return online + " " + (System.nanoTime() - t0) / 1_000_000;
    }
  }

  /**
   * CPU time so far (ns): the whole process, the node's loop thread, and all other Java threads
   * (the application's); the rest of the process is GC, JIT and the JVM's own threads.
   */
  static String cpu(NodeRunner node) {
    long process = ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    java.lang.management.ThreadMXBean t = java.lang.management.ManagementFactory.getThreadMXBean();
    long loop = 0;
    long app = 0;
    for (java.lang.management.ThreadInfo i : t.getThreadInfo(t.getAllThreadIds())) {
      if (i == null) {
        continue;
      }
      long c = Math.max(0, t.getThreadCpuTime(i.getThreadId()));
      if (i.getThreadName().startsWith("bench-") && !i.getThreadName().startsWith("bench-conn")
          && !i.getThreadName().startsWith("bench-accept")) {
        loop += c;
      } else {
        app += c;
      }
    }
    return process + " " + loop + " " + app;
  }

  /** Node counters with the verbs by code (diagnostics). */
  static String counters(NodeRunner node) {
    var c = node.call(n -> n.counters());
    StringBuilder b = new StringBuilder("in " + c.datagramsIn() + " out " + c.datagramsOut() + " drops " + c.drops()
        + " verbs in/out");
    for (int v = 0; v < c.verbsIn().length; v++) {
      if (c.verbsIn()[v] + c.verbsOut()[v] > 0) {
        b.append(' ').append(v).append(':').append(c.verbsIn()[v]).append('/').append(c.verbsOut()[v]);
      }
    }
    return b.toString();
  }

  private static String describe(PeerInfo p) {
    return (p.direct() ? "direct" : "relayed") + ", latency " + p.latencyMillis() + " ms, paths " + p.paths();
  }

  private static Socket open(NodeRunner node, String kind, String ip, int port, int mode) throws IOException {
    Socket s = kind.equals("zt") ? new ZeroTierSocket(node.driver()) : new Socket();
    s.connect(new InetSocketAddress(InetAddress.getByName(ip), port), 10_000);
    s.setTcpNoDelay(mode != 'B');
    s.getOutputStream().write(mode);
    return s;
  }

  static double bulk(NodeRunner node, String kind, String ip, int port, long bytes) throws IOException {
    byte[] buf = new byte[128 * 1024];
    new SplittableRandom(7).nextBytes(buf);
    try (Socket s = open(node, kind, ip, port, 'B')) {
      long t0 = System.nanoTime();
      OutputStream o = s.getOutputStream();
      for (long left = bytes; left > 0; left -= buf.length) {
        o.write(buf, 0, (int) Math.min(buf.length, left));
      }
      s.shutdownOutput();
      if (s.getInputStream().read() != 'D') {
        throw new IOException("no end-of-data acknowledgement");
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      return bytes * 8 / secs / 1e6;
    }
  }

  static long[] rtt(NodeRunner node, String kind, String ip, int port, int n) throws IOException {
    try (Socket s = open(node, kind, ip, port, 'E')) {
      InputStream in = s.getInputStream();
      OutputStream o = s.getOutputStream();
      long[] samples = new long[n];
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        o.write(i & 0x7F);
        if (in.read() != (i & 0x7F)) {
          throw new IOException("bad echo");
        }
        samples[i] = System.nanoTime() - t0;
      }
      Arrays.sort(samples);
      return new long[] {samples[n / 2], samples[(int) (n * 0.99)]};
    }
  }

  static long idle(NodeRunner node, String kind, String ip, int port, int n) throws Exception {
    long before = usedHeap();
    for (int i = 0; i < n; i++) {
      Socket s = open(node, kind, ip, port, 'I');
      s.getOutputStream().write(1);
      if (s.getInputStream().read() != 1) {
        throw new IOException("bad idle echo");
      }
      synchronized (held) {
        held.add(s);
      }
    }
    Thread.sleep(Long.getLong("zt4j.bench.idleWaitMs", 1500)); // delayed ACKs out, idle buffers released
    return (usedHeap() - before) / n;
  }

  private static void serve(ServerSocket ss) {
    Thread t = new Thread(() -> {
      while (true) {
        Socket s;
        int mode;
        try {
          s = ss.accept();
          mode = s.getInputStream().read();
        } catch (IOException e) {
          return;
        }
        if (mode == 'I') {
          try {
            s.getOutputStream().write(s.getInputStream().read());
          } catch (IOException e) {
            continue;
          }
          synchronized (held) {
            held.add(s);
          }
        } else {
          Thread h = new Thread(() -> handle(s, mode), "bench-conn");
          h.setDaemon(true);
          h.start();
        }
      }
    }, "bench-accept");
    t.setDaemon(true);
    t.start();
  }

  private static void handle(Socket s, int mode) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream o = s.getOutputStream();
      if (mode == 'B') {
        byte[] buf = new byte[128 * 1024];
        while (in.read(buf) > 0) {
          // discard
        }
        o.write('D');
      } else if (mode == 'E') {
        s.setTcpNoDelay(true);
        for (int b; (b = in.read()) >= 0; ) {
          o.write(b);
        }
      }
    } catch (IOException e) {
      // connection ended
    }
  }

  static long usedHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
      best = Math.min(best, rt.totalMemory() - rt.freeMemory());
    }
    return best;
  }
}
