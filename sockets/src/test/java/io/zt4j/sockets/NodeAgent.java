package io.zt4j.sockets;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The far end of the end-to-end tests: a {@link ZeroTierNode} driven by one-line text commands,
 * run either in a child JVM ({@link #main}: commands on stdin, replies on stdout) or in the test's
 * own JVM ({@link AgentPeer#inProcess}) — the same scenario code for both.
 *
 * <p>A command is {@code <id> <verb> <args…>}; it runs on its own thread and answers with lines
 * {@code <id> <WORD> <text>}: intermediate ones (e.g. {@code LISTENING}) and a last one, either
 * {@code OK <result>} or {@code ERR <exception class> <message>}. Verbs:
 *
 * <pre>
 * join NWID                        → OK ipv4 rfc4193 6plane      (joins, waits until ready)
 * await NWID                       → OK ipv4 rfc4193 6plane      (waits without joining: restart)
 * exchange PORT BYTES SEED         → LISTENING; OK count sha(received) sha(sent)
 * echo PORT N                      → LISTENING; OK clean         (N connections, each echoed to EOF)
 * hold PORT                        → LISTENING; OK               (accepts one connection, does not read)
 * drain PORT                       → OK count sha                (reads a held connection to EOF, slowly at first)
 * abort PORT                       → LISTENING; OK               (accepts one, closes it with SO_LINGER 0)
 * connect IP PORT TIMEOUT_MS       → OK connected | ERR …
 * udp-bind PORT                    → OK
 * udp-drain PORT                   → OK received corrupt duplicates reordered
 * heap                             → OK used-bytes-after-gc
 * sockets                          → OK open-sockets            (the node's sockets not yet released)
 * </pre>
 */
final class NodeAgent implements Closeable {
  private final ZeroTierNode node;
  private final Consumer<String> out;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "agent-worker");
    t.setDaemon(true);
    return t;
  });
  private final Map<Integer, Closeable> held = new ConcurrentHashMap<>();

  NodeAgent(ZeroTierNode node, Consumer<String> out) {
    this.node = node;
    this.out = out;
  }

  /**
   * Child JVM entry: {@code planet-file storage-dir|- name udp-port}. Prints
   * {@code NODE <id> <udp-port>} when online, then serves stdin.
   */
  public static void main(String[] args) throws Exception {
    PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Consumer<String> out = line -> {
      synchronized (stdout) {
        stdout.println(line);
      }
    };
    ZeroTierNode.Builder b = ZeroTierNode.builder().planet(Path.of(args[0])).loopbackOnly()
        .port(Integer.parseInt(args[3])).name(args[2]);
    if (!args[1].equals("-")) {
      b.storage(Path.of(args[1]));
    }
    ZeroTierNode node;
    try {
      node = b.build().start();
    } catch (Exception e) {
      out.accept("START-FAILED " + e.getClass().getName() + " " + oneLine(e.getMessage()));
      System.exit(3);
      return;
    }
    node.awaitOnline(Duration.ofSeconds(60));
    out.accept("NODE " + node.nodeId() + " " + node.localAddresses().get(0).getPort());
    try (NodeAgent agent = new NodeAgent(node, out)) {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      // end of stdin (the test ended or died) ends the child too
      for (String line; (line = in.readLine()) != null && !line.equals("exit"); ) {
        agent.handle(line);
      }
    }
    node.close();
    System.exit(0);
  }

  /** Runs one command line on its own thread. */
  void handle(String line) {
    String[] w = line.trim().split(" ");
    String id = w[0];
    pool.execute(() -> {
      try {
        out.accept(id + " OK " + run(id, w));
      } catch (Throwable t) {
        out.accept(id + " ERR " + t.getClass().getName() + " " + oneLine(t.getMessage()));
      }
    });
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ');
  }

  private String run(String id, String[] w) throws Exception {
    switch (w[1]) {
      case "join": {
        long nwid = ZeroTierNode.parseNetworkId(w[2]);
        node.join(nwid);
        return addresses(node.awaitNetworkReady(nwid, Duration.ofSeconds(60)));
      }
      case "await":
        return addresses(node.awaitNetworkReady(ZeroTierNode.parseNetworkId(w[2]), Duration.ofSeconds(60)));
      case "exchange":
        return exchange(id, Integer.parseInt(w[2]), Long.parseLong(w[3]), Long.parseLong(w[4]));
      case "echo":
        return echo(id, Integer.parseInt(w[2]), Integer.parseInt(w[3]));
      case "hold": {
        try (ServerSocket ss = node.serverSocket(Integer.parseInt(w[2]))) {
          out.accept(id + " LISTENING");
          held.put(Integer.parseInt(w[2]), ss.accept());
        }
        return "held";
      }
      case "drain":
        return drain((Socket) held.remove(Integer.parseInt(w[2])));
      case "abort": {
        try (ServerSocket ss = node.serverSocket(Integer.parseInt(w[2]))) {
          out.accept(id + " LISTENING");
          Socket s = ss.accept();
          s.setSoLinger(true, 0);
          s.close();
        }
        return "aborted";
      }
      case "connect": {
        try (Socket s = node.socket()) {
          s.connect(new InetSocketAddress(InetAddress.getByName(w[2]), Integer.parseInt(w[3])), Integer.parseInt(w[4]));
          return "connected";
        }
      }
      case "udp-bind":
        held.put(Integer.parseInt(w[2]), node.datagramSocket(Integer.parseInt(w[2])));
        return "bound";
      case "udp-drain":
        return udpDrain((DatagramSocket) held.remove(Integer.parseInt(w[2])));
      case "heap":
        return Long.toString(usedHeapAfterGc());
      case "sockets":
        return Integer.toString(node.counters().openSockets());
      default:
        throw new IllegalArgumentException("unknown command " + w[1]);
    }
  }

  private static String addresses(ZeroTierNetwork n) {
    return n.ipv4().orElseThrow().getHostAddress() + " " + n.rfc4193().orElseThrow().getHostAddress() + " "
        + n.sixPlane().orElseThrow().getHostAddress();
  }

  private String exchange(String id, int port, long bytes, long seed) throws Exception {
    try (ServerSocket ss = node.serverSocket(port)) {
      out.accept(id + " LISTENING");
      try (Socket s = ss.accept()) {
        CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> StreamsIT.call(() -> {
          byte[] h = StreamsIT.send(s.getOutputStream(), bytes, seed);
          s.shutdownOutput();
          return h;
        }), pool);
        Object[] got = StreamsIT.receive(s.getInputStream());
        return got[1] + " " + hex((byte[]) got[0]) + " " + hex(sent.get());
      }
    }
  }

  private String echo(String id, int port, int n) throws Exception {
    AtomicInteger clean = new AtomicInteger();
    try (ServerSocket ss = new ZeroTierServerSocket(node, port, n, null)) {
      out.accept(id + " LISTENING");
      CompletableFuture<?>[] served = new CompletableFuture<?>[n];
      for (int i = 0; i < n; i++) {
        Socket s = ss.accept();
        served[i] = CompletableFuture.runAsync(() -> {
          try (s; InputStream in = s.getInputStream(); OutputStream o = s.getOutputStream()) {
            o.write(in.readAllBytes());
            clean.incrementAndGet();
          } catch (Exception e) {
            out.accept(id + " FAILED " + e);
          }
        }, pool);
      }
      CompletableFuture.allOf(served).get();
    }
    return Integer.toString(clean.get());
  }

  private static String drain(Socket s) throws Exception {
    try (s) {
      InputStream in = s.getInputStream();
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      long count = 0;
      byte[] small = new byte[4096];
      for (int i = 0; i < 50; i++) { // a slow reader first: small reads with pauses
        int n = in.read(small);
        if (n < 0) {
          break;
        }
        md.update(small, 0, n);
        count += n;
        Thread.sleep(5);
      }
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
        count += n;
      }
      return count + " " + hex(md.digest());
    }
  }

  /**
   * Datagram {@code seq} of a UDP burst: {@link #datagramSize} bytes, the 4-byte sequence number,
   * then bytes derived from it, so the receiver checks boundaries and content of each one.
   */
  static byte[] datagram(int seq) {
    byte[] b = new byte[datagramSize(seq)];
    b[0] = (byte) (seq >>> 24);
    b[1] = (byte) (seq >>> 16);
    b[2] = (byte) (seq >>> 8);
    b[3] = (byte) seq;
    for (int i = 4; i < b.length; i++) {
      b[i] = (byte) (seq * 31 + i);
    }
    return b;
  }

  static int datagramSize(int seq) {
    return 4 + (seq * 397) % 1397;
  }

  private static String udpDrain(DatagramSocket s) throws Exception {
    try (s) {
      s.setSoTimeout(500);
      DatagramPacket p = new DatagramPacket(new byte[2000], 2000);
      java.util.BitSet seen = new java.util.BitSet();
      int received = 0;
      int corrupt = 0;
      int duplicates = 0;
      int reordered = 0;
      int last = -1;
      while (true) {
        try {
          s.receive(p);
        } catch (SocketTimeoutException end) {
          break;
        }
        received++;
        byte[] d = p.getData();
        int seq = p.getLength() < 4 ? -1
            : ((d[0] & 0xFF) << 24) | ((d[1] & 0xFF) << 16) | ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
        if (seq < 0 || !java.util.Arrays.equals(d, 0, p.getLength(), datagram(seq), 0, datagramSize(seq))) {
          corrupt++;
          continue;
        }
        if (seen.get(seq)) {
          duplicates++;
        }
        seen.set(seq);
        if (seq < last) {
          reordered++;
        }
        last = seq;
      }
      return received + " " + corrupt + " " + duplicates + " " + reordered;
    }
  }

  static long usedHeapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  @Override
  public void close() {
    pool.shutdownNow();
    for (Closeable c : held.values()) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort at the end of a test
      }
    }
  }

  static void writePlanet(io.zt4j.node.wire.World planet, Path file) throws java.io.IOException {
    Files.write(file, planet.serialize());
  }
}
