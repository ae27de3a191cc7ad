package io.zt4j.bench.node;

import io.zt4j.node.Node;
import io.zt4j.node.NodeConfig;
import io.zt4j.node.NodeEvent;
import io.zt4j.node.NodeHost;
import io.zt4j.node.StateObject;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import io.zt4j.runtime.NodeRunner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end VL1 numbers on loopback with a private planet (docs/BENCHMARKS.md):
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.zt4j.bench.node.Vl1Harness online [runs]
 *   java -cp bench/target/benchmarks.jar io.zt4j.bench.node.Vl1Harness direct [runs]
 *   java -cp bench/target/benchmarks.jar io.zt4j.bench.node.Vl1Harness relay [seconds]
 *   java -cp bench/target/benchmarks.jar io.zt4j.bench.node.Vl1Harness relay-core [packets]
 * </pre>
 *
 * <ul>
 *   <li>online: a root runs; each run starts a node with a fresh identity (the root validates it,
 *       as on a first join) and times {@code NodeRunner.start} → ONLINE. Runs are 2.5 s apart:
 *       ZeroTier validates at most one new identity per source /24 every 2 s.
 *   <li>direct: root + two nodes online; times the first USER_MESSAGE from A to B (sent
 *       relayed) → both have a direct path to each other.
 *   <li>relay: root + two nodes; a sender blasts packets addressed B ← A at the root for the
 *       given time; reports packets the root relayed per wall second and per CPU-second of the
 *       root's loop thread.
 *   <li>relay-core: the root's core alone (no sockets): packets relayed per CPU-second.
 * </ul>
 */
public final class Vl1Harness {
  private Vl1Harness() {}

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "online";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    switch (what) {
      case "online" -> online(n > 0 ? n : 10);
      case "direct" -> direct(n > 0 ? n : 5);
      case "relay" -> relay(n > 0 ? n : 10);
      case "relay-core" -> relayCore(n > 0 ? n : 2_000_000);
      default -> throw new IllegalArgumentException("online | direct | relay | relay-core");
    }
  }

  static final SecureRandom RANDOM = new SecureRandom();

  record Root(NodeRunner runner, World planet, Identity identity) implements AutoCloseable {
    @Override
    public void close() {
      runner.close();
    }
  }

  static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port);
  }

  static Root startRoot() throws Exception {
    Identity id = Identity.generate(RANDOM);
    int port;
    try (DatagramSocket probe = new DatagramSocket(loopback(0))) {
      port = probe.getLocalPort();
    }
    byte[] priv = new byte[64];
    RANDOM.nextBytes(priv);
    World planet = World.make(World.Type.PLANET, 0x2a2a2a2aL, System.currentTimeMillis(),
        io.zt4j.node.crypto.C25519.publicKeyOf(priv),
        List.of(new World.Root(id.withoutPrivateKey(), List.of(InetAddress.fromString("127.0.0.1/" + port).orElseThrow()))),
        priv);
    NodeRunner r = NodeRunner.start(new NodeRunner.Options().planet(planet).bind(loopback(port))
        .allowLoopbackPaths(true).name("zt4j-root").identity(id));
    return new Root(r, planet, id);
  }

  static NodeRunner startNode(Root root, Identity id, java.util.function.Consumer<NodeEvent> listener) {
    return NodeRunner.start(new NodeRunner.Options().planet(root.planet()).bind(loopback(0)).allowLoopbackPaths(true)
        .identity(id).listener(listener).name("zt4j-node-" + id.address()));
  }

  static void online(int runs) throws Exception {
    System.out.printf("generating %d identities...%n", runs + 1);
    List<Identity> ids = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      ids.add(Identity.generate(RANDOM));
    }
    try (Root root = startRoot()) {
      List<Long> ms = new ArrayList<>();
      for (Identity id : ids) {
        Thread.sleep(2_500);
        CountDownLatch online = new CountDownLatch(1);
        long t0 = System.nanoTime();
        try (NodeRunner node = startNode(root, id, e -> {
          if (e instanceof NodeEvent.Online) {
            online.countDown();
          }
        })) {
          if (!online.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not online within 20 s");
          }
          ms.add((System.nanoTime() - t0) / 1_000_000);
        }
      }
      report("start → ONLINE (ms)", ms);
    }
  }

  static void direct(int runs) throws Exception {
    List<Identity> ids = new ArrayList<>();
    for (int i = 0; i < 2 * runs; i++) {
      ids.add(Identity.generate(RANDOM));
    }
    try (Root root = startRoot()) {
      List<Long> ms = new ArrayList<>();
      for (int r = 0; r < runs; r++) {
        Identity ia = ids.get(2 * r);
        Identity ib = ids.get(2 * r + 1);
        CountDownLatch aDirect = new CountDownLatch(1);
        CountDownLatch bDirect = new CountDownLatch(1);
        Thread.sleep(2_500);
        try (NodeRunner a = startNode(root, ia, e -> {
          if (e instanceof NodeEvent.PeerDirect d && d.peer().equals(ib.address())) {
            aDirect.countDown();
          }
        })) {
          a.awaitOnline(Duration.ofSeconds(20));
          Thread.sleep(2_500);
          try (NodeRunner b = startNode(root, ib, e -> {
            if (e instanceof NodeEvent.PeerDirect d && d.peer().equals(ia.address())) {
              bDirect.countDown();
            }
          })) {
            b.awaitOnline(Duration.ofSeconds(20));
            long t0 = System.nanoTime();
            a.sendUserMessage(ib.address(), 1, new byte[] {1});
            if (!aDirect.await(30, TimeUnit.SECONDS) || !bDirect.await(30, TimeUnit.SECONDS)) {
              throw new IllegalStateException("no direct path within 30 s");
            }
            ms.add((System.nanoTime() - t0) / 1_000_000);
          }
        }
      }
      report("first contact → direct both ways (ms)", ms);
    }
  }

  static void relay(int seconds) throws Exception {
    Identity ia = Identity.generate(RANDOM);
    Identity ib = Identity.generate(RANDOM);
    try (Root root = startRoot()) {
      try (NodeRunner a = startNode(root, ia, e -> {})) {
        a.awaitOnline(Duration.ofSeconds(20));
        Thread.sleep(2_500);
        try (NodeRunner b = startNode(root, ib, e -> {})) {
          b.awaitOnline(Duration.ofSeconds(20));
          int rootPort = root.runner().localAddresses().get(0).getPort();
          for (int size : new int[] {64, 1400}) {
            byte[] pkt = new byte[size];
            RANDOM.nextBytes(pkt);
            ib.address().writeTo(pkt, 8);
            ia.address().writeTo(pkt, 13);
            pkt[18] = 0x18; // suite 3, hops 0 (the root forwards without reading further)
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long rootTid = threadId("zt4j-root");
            long relayed0 = root.runner().call(x -> x.counters().relayed());
            long cpu0 = mx.getThreadCpuTime(rootTid);
            long t0 = System.nanoTime();
            long sent = 0;
            try (DatagramSocket s = new DatagramSocket(loopback(0))) {
              DatagramPacket dp = new DatagramPacket(pkt, pkt.length, loopback(rootPort));
              long end = t0 + seconds * 1_000_000_000L;
              while (System.nanoTime() < end) {
                for (int i = 0; i < 64; i++) {
                  s.send(dp);
                }
                sent += 64;
                Thread.onSpinWait();
              }
            }
            Thread.sleep(200);
            long wall = System.nanoTime() - t0;
            long cpu = mx.getThreadCpuTime(rootTid) - cpu0;
            long relayed = root.runner().call(x -> x.counters().relayed()) - relayed0;
            System.out.printf("relay %4d-byte packets: sent %d, relayed %d in %.1f s = %.0f/s wall; root loop CPU %.2f s"
                    + " = %.0f relayed per CPU-second%n",
                size, sent, relayed, wall / 1e9, relayed / (wall / 1e9), cpu / 1e9, relayed / (cpu / 1e9));
          }
        }
      }
    }
  }

  static long threadId(String name) {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        return t.getId();
      }
    }
    throw new IllegalStateException("no thread " + name);
  }

  /** A host that keeps datagrams in a list while {@code capture}, and afterwards only counts them. */
  static final class ListHost implements NodeHost {
    final Identity id;
    final List<Object[]> sent = new ArrayList<>();
    boolean capture = true;
    long count;

    ListHost(Identity id) {
      this.id = id;
    }

    @Override
    public boolean sendUdp(long s, InetAddress r, byte[] d, int o, int l, int t) {
      count++;
      if (capture) {
        sent.add(new Object[] {r, Arrays.copyOfRange(d, o, o + l)});
      }
      return true;
    }

    @Override
    public void onEvent(NodeEvent e) {}

    @Override
    public Optional<byte[]> stateGet(StateObject t, long x) {
      return t == StateObject.IDENTITY_SECRET ? Optional.of(id.toString(true).getBytes()) : Optional.empty();
    }

    @Override
    public void statePut(StateObject t, long x, byte[] d) {}

    @Override
    public void stateDelete(StateObject t, long x) {}
  }

  /** The root's core alone: relaying with no sockets (its host only counts datagrams). */
  static void relayCore(int packets) {
    Identity rootId = Identity.generate(RANDOM);
    Identity ia = Identity.generate(RANDOM);
    Identity ib = Identity.generate(RANDOM);
    byte[] priv = new byte[64];
    RANDOM.nextBytes(priv);
    InetAddress rootAt = InetAddress.fromString("10.0.0.1/9993").orElseThrow();
    World planet = World.make(World.Type.PLANET, 7L, 1L, io.zt4j.node.crypto.C25519.publicKeyOf(priv),
        List.of(new World.Root(rootId.withoutPrivateKey(), List.of(rootAt))), priv);
    long now = 1_000_000;
    ListHost rootHost = new ListHost(rootId);
    Node root = Node.create(NodeConfig.builder(new SplittableRandom(1)).planet(planet).build(), rootHost, now);
    InetAddress aAt = InetAddress.fromString("10.0.1.1/9993").orElseThrow();
    InetAddress bAt = InetAddress.fromString("10.0.2.1/9993").orElseThrow();
    // Each leaf says HELLO; the root answers and confirms the path; the leaf answers that.
    for (Object[] leafSpec : new Object[][] {{ia, aAt}, {ib, bAt}}) {
      Identity lid = (Identity) leafSpec[0];
      InetAddress at = (InetAddress) leafSpec[1];
      ListHost lh = new ListHost(lid);
      Node leaf = Node.create(NodeConfig.builder(new SplittableRandom(2)).planet(planet).build(), lh, now);
      leaf.processBackgroundTasks(now);
      for (int i = 0; i < 6; i++) {
        for (Object[] d : lh.sent) {
          byte[] b = (byte[]) d[1];
          root.processWirePacket(0, at, b, 0, b.length, now);
        }
        lh.sent.clear();
        for (Object[] d : rootHost.sent) {
          byte[] b = (byte[]) d[1];
          if (d[0].equals(at)) {
            leaf.processWirePacket(0, rootAt, b, 0, b.length, now);
          }
        }
        rootHost.sent.clear();
      }
      now += 3_000; // past the per-source identity validation rate limit
    }
    long withPaths = root.peers(now).stream().filter(p -> !p.paths().isEmpty()).count();
    System.out.printf("root knows %d peers with paths%n", withPaths);
    rootHost.capture = false;
    byte[] pkt = new byte[1400];
    RANDOM.nextBytes(pkt);
    ib.address().writeTo(pkt, 8);
    ia.address().writeTo(pkt, 13);
    pkt[18] = 0x18;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 3; round++) {
      long relayed0 = root.counters().relayed();
      long cpu0 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < packets; i++) {
        root.processWirePacket(0, aAt, pkt, 0, pkt.length, now + i / 100_000);
      }
      now += packets / 100_000 + 1;
      long cpu = mx.getCurrentThreadCpuTime() - cpu0;
      long relayed = root.counters().relayed() - relayed0;
      System.out.printf("relay-core round %d: %d of %d 1400-byte packets relayed in %.2f CPU-s = %.0f per CPU-second%n",
          round, relayed, packets, cpu / 1e9, relayed / (cpu / 1e9));
    }
  }

  static void report(String what, List<Long> ms) {
    List<Long> s = new ArrayList<>(ms);
    Collections.sort(s);
    System.out.printf("%s: runs %d, min %d, median %d, max %d, all %s%n", what, s.size(), s.get(0), s.get(s.size() / 2),
        s.get(s.size() - 1), ms);
  }

}
