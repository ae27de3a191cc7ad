package io.zt4j.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.controller.model.RecordJson;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * End to end between two {@link ZeroTierNode}s over real loopback UDP, through an in-process
 * root and controller ({@link LocalNetwork}): node {@code a} in this JVM talks to a peer node
 * driven by a {@link NodeAgent} either in this JVM ({@link Where#ONE_JVM}) or in a child JVM
 * ({@link Where#TWO_JVMS}) — every scenario runs against both.
 *
 * <p>Transfer sizes: {@code -Dzt4j.it.e2e.bytesTwoJvms} (default 1 GiB each way, into a child
 * JVM of {@code -Xmx256m}) and {@code -Dzt4j.it.e2e.bytesOneJvm} (default 256 MiB each way; sized
 * so the IT set stays within a few minutes on a loaded 2-core machine).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EndToEndIT {
  enum Where { ONE_JVM, TWO_JVMS }

  static final Duration LONG = Duration.ofSeconds(120);
  static final Duration SHORT = Duration.ofSeconds(30);

  @TempDir static Path tmp;
  LocalNetwork net;
  Path planetFile;
  ZeroTierNode a;
  Inet4Address a4;
  final Map<Where, AgentPeer> peers = new EnumMap<>(Where.class);
  final Map<Where, String[]> peerAddresses = new EnumMap<>(Where.class);

  @BeforeAll
  void start() throws Exception {
    net = new LocalNetwork();
    planetFile = tmp.resolve("planet");
    Files.write(planetFile, net.planet.serialize());
    a = net.member("a").build().start();
    a.awaitOnline(SHORT);
    net.authorize(a.nodeId());
    a.join(net.networkId);
    a4 = a.awaitNetworkReady(net.networkId, SHORT).ipv4().orElseThrow();
    ZeroTierNode b = net.member("b").build().start();
    b.awaitOnline(SHORT);
    peers.put(Where.ONE_JVM, AgentPeer.inProcess(b));
    peers.put(Where.TWO_JVMS, AgentPeer.child(planetFile, null, "c", "256m", 0));
    for (Where w : Where.values()) {
      peerAddresses.put(w, join(peers.get(w)));
    }
  }

  private String[] join(AgentPeer p) throws Exception {
    net.authorize(p.nodeId);
    return p.ok("join " + String.format("%016x", net.networkId), LONG).split(" ");
  }

  @AfterAll
  void stop() throws Exception {
    for (AgentPeer p : peers.values()) {
      p.close();
    }
    if (a != null) {
      a.close();
    }
    if (net != null) {
      net.close();
    }
  }

  private InetAddress peer4(Where w) throws Exception {
    return InetAddress.getByName(peerAddresses.get(w)[0]);
  }

  private Socket connect(InetAddress to, int port) throws Exception {
    Socket s = a.socket();
    s.connect(new InetSocketAddress(to, port), 20_000);
    return s;
  }

  // ------------------------------------------------------------------------------ 1. bulk

  @ParameterizedTest
  @EnumSource(Where.class)
  @Timeout(value = 400, unit = TimeUnit.SECONDS)
  void bulkTransferEachWayAtOnceWithMatchingSha256(Where where) throws Exception {
    long bytes = where == Where.ONE_JVM ? Long.getLong("zt4j.it.e2e.bytesOneJvm", 256L << 20)
        : Long.getLong("zt4j.it.e2e.bytesTwoJvms", 1L << 30);
    AgentPeer p = peers.get(where);
    AgentPeer.Call call = p.call("exchange 5001 " + bytes + " 2");
    call.expect("LISTENING", SHORT);
    long t0 = System.nanoTime();
    try (Socket c = connect(peer4(where), 5001)) {
      CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> StreamsIT.call(() -> {
        byte[] h = StreamsIT.send(c.getOutputStream(), bytes, 1);
        c.shutdownOutput();
        return h;
      }));
      Object[] got = StreamsIT.receive(c.getInputStream());
      String[] r = call.ok(Duration.ofSeconds(380)).split(" ");
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf("%s: %d MiB each way at once in %.1f s, %.0f Mbit/s per direction%n", where, bytes >> 20,
          secs, bytes * 8 / secs / 1e6);
      assertThat((long) got[1]).as("bytes we received").isEqualTo(bytes);
      assertThat(Long.parseLong(r[0])).as("bytes the peer received").isEqualTo(bytes);
      assertThat(r[1]).as("SHA-256 of what the peer received").isEqualTo(NodeAgent.hex(sent.get()));
      assertThat(NodeAgent.hex((byte[]) got[0])).as("SHA-256 of what we received").isEqualTo(r[2]);
    }
  }

  @ParameterizedTest
  @EnumSource(Where.class)
  void rfc4193And6planeAddressesCarryBulkTcpToo(Where where) throws Exception {
    AgentPeer p = peers.get(where);
    long bytes = 8L << 20;
    String[] addrs = peerAddresses.get(where);
    for (int i = 1; i <= 2; i++) {
      int seed = 10 + i;
      InetAddress to = InetAddress.getByName(addrs[i]);
      AgentPeer.Call call = p.call("exchange " + (5010 + i) + " " + bytes + " " + (20 + i));
      call.expect("LISTENING", SHORT);
      try (Socket c = connect(to, 5010 + i)) {
        assertThat(c.getLocalAddress()).as("our address of the same kind").isIn(a.addresses(net.networkId));
        CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> StreamsIT.call(() -> {
          byte[] h = StreamsIT.send(c.getOutputStream(), bytes, seed);
          c.shutdownOutput();
          return h;
        }));
        Object[] got = StreamsIT.receive(c.getInputStream());
        String[] r = call.ok(LONG).split(" ");
        assertThat(Long.parseLong(r[0])).as(to + ": bytes the peer received").isEqualTo(bytes);
        assertThat(r[1]).as(to + ": SHA-256 at the peer").isEqualTo(NodeAgent.hex(sent.get()));
        assertThat(NodeAgent.hex((byte[]) got[0])).as(to + ": SHA-256 here").isEqualTo(r[2]);
      }
    }
  }

  // ------------------------------------------------------------------------------ 2. many connections

  @ParameterizedTest
  @EnumSource(Where.class)
  void aThousandConcurrentConnectionsEchoAndCloseCleanly(Where where) throws Exception {
    int n = 1000;
    AgentPeer p = peers.get(where);
    int port = 5002;
    int peerBefore = Integer.parseInt(p.ok("sockets", SHORT));
    AgentPeer.Call call = p.call("echo " + port + " " + n);
    call.expect("LISTENING", SHORT);
    int before = a.counters().openSockets();
    long t0 = System.nanoTime();
    List<Socket> clients = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        clients.add(connect(peer4(where), port));
      }
      long connected = System.nanoTime();
      // all 1,000 are open at once; each now sends its message and half-closes
      assertThat(a.counters().openSockets()).isGreaterThanOrEqualTo(before + n);
      for (int i = 0; i < n; i++) {
        clients.get(i).getOutputStream().write(message(i));
        clients.get(i).shutdownOutput();
      }
      for (int i = 0; i < n; i++) {
        Socket c = clients.get(i);
        // the echo, then an orderly end of stream (FIN, not a reset)
        assertThat(c.getInputStream().readAllBytes()).as("echo on connection " + i).isEqualTo(message(i));
        c.close();
      }
      System.out.printf("%s: %d connections opened in %d ms, all echoed and closed in %d ms%n", where, n,
          (connected - t0) / 1_000_000, (System.nanoTime() - t0) / 1_000_000);
      assertThat(call.ok(LONG)).as("connections the peer served without an error").isEqualTo(Integer.toString(n));
      // and every socket is released on both nodes (the server socket too)
      long deadline = System.nanoTime() + 20_000_000_000L;
      while ((a.counters().openSockets() > before || Integer.parseInt(p.ok("sockets", SHORT)) > peerBefore)
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(a.counters().openSockets()).as("our open sockets").isEqualTo(before);
      assertThat(Integer.parseInt(p.ok("sockets", SHORT))).as("the peer's open sockets").isEqualTo(peerBefore);
    } finally {
      for (Socket c : clients) {
        c.close();
      }
    }
  }

  private static byte[] message(int i) {
    byte[] m = new byte[100 + i % 900];
    new SplittableRandom(i).nextBytes(m);
    return m;
  }

  // ------------------------------------------------------------------------------ 3. backpressure

  @ParameterizedTest
  @EnumSource(Where.class)
  void slowReaderBlocksAFastWriterWithBoundedHeapThenEverythingArrives(Where where) throws Exception {
    AgentPeer p = peers.get(where);
    int port = 5003;
    AgentPeer.Call hold = p.call("hold " + port);
    hold.expect("LISTENING", SHORT);
    long total = 256L << 20;
    try (Socket c = connect(peer4(where), port)) {
      hold.ok(SHORT);
      long heapBefore = NodeAgent.usedHeapAfterGc();
      long peerHeapBefore = Long.parseLong(p.ok("heap", SHORT));
      AtomicLong written = new AtomicLong();
      OutputStream out = c.getOutputStream();
      CompletableFuture<byte[]> writer = CompletableFuture.supplyAsync(() -> StreamsIT.call(() -> {
        byte[] h = StreamsIT.send(new OutputStream() {
          @Override
          public void write(int b) {
            throw new UnsupportedOperationException();
          }

          @Override
          public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
            written.addAndGet(len);
          }
        }, total, 3);
        c.shutdownOutput();
        return h;
      }));
      // the reader does not read: wait until the writer is stuck (no progress for 1 s)
      long last = -1;
      long stableSince = System.nanoTime();
      while (System.nanoTime() - stableSince < 1_000_000_000L) {
        Thread.sleep(100);
        long now = written.get();
        if (now != last) {
          last = now;
          stableSince = System.nanoTime();
        }
      }
      long heap = NodeAgent.usedHeapAfterGc();
      long peerHeap = Long.parseLong(p.ok("heap", SHORT));
      System.out.printf("%s: writer blocked after %d KiB of %d MiB; heap used %+d KiB here, %+d KiB at the reader%n",
          where, last >> 10, total >> 20, (heap - heapBefore) >> 10, (peerHeap - peerHeapBefore) >> 10);
      assertThat(writer).as("the writer is blocked").isNotDone();
      // app tx 256 KiB + TCP send buffer + the reader's TCP window + rx 256 KiB
      assertThat(last).isGreaterThan(64 * 1024).isLessThan(8L << 20);
      assertThat(heap - heapBefore).as("heap growth of the writer's JVM").isLessThan(32L << 20);
      assertThat(peerHeap - peerHeapBefore).as("heap growth of the reader's JVM").isLessThan(32L << 20);
      long t0 = System.nanoTime();
      String[] r = p.ok("drain " + port, LONG).split(" ");
      System.out.printf("%s: then read to the end in %d ms%n", where, (System.nanoTime() - t0) / 1_000_000);
      assertThat(Long.parseLong(r[0])).isEqualTo(total);
      assertThat(r[1]).isEqualTo(NodeAgent.hex(writer.get(SHORT.toSeconds(), TimeUnit.SECONDS)));
    }
  }

  // ------------------------------------------------------------------------------ 4. JDK semantics

  @ParameterizedTest
  @EnumSource(Where.class)
  void closeResetAndTimeoutsThrowWhatTheJdkThrows(Where where) throws Exception {
    AgentPeer p = peers.get(where);
    InetAddress peer = peer4(where);

    // nobody listens: refused, both ways (and on the peer's IPv4, RFC 4193 and 6PLANE addresses)
    for (String to : peerAddresses.get(where)) {
      Socket refused = a.socket();
      assertThatThrownBy(() -> refused.connect(new InetSocketAddress(InetAddress.getByName(to), 9), 5000))
          .as(to).isExactlyInstanceOf(ConnectException.class).hasMessage("Connection refused");
      refused.close();
    }
    AgentPeer.Reply back = p.call("connect " + a4.getHostAddress() + " 9 5000").end(SHORT);
    assertThat(back).isEqualTo(new AgentPeer.Reply("ERR", "java.net.ConnectException Connection refused"));

    // an address of the network no member has: the connect times out, both ways
    InetAddress nobody = unusedAddress(where);
    Socket lost = a.socket();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> lost.connect(new InetSocketAddress(nobody, 80), 1000))
        .isExactlyInstanceOf(SocketTimeoutException.class).hasMessage("Connect timed out");
    assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(900L, 5000L);
    lost.close();
    back = p.call("connect " + nobody.getHostAddress() + " 80 1000").end(SHORT);
    assertThat(back).isEqualTo(new AgentPeer.Reply("ERR", "java.net.SocketTimeoutException Connect timed out"));

    // a peer that does not write: the read times out and the socket stays usable
    AgentPeer.Call hold = p.call("hold 5004");
    hold.expect("LISTENING", SHORT);
    try (Socket c = connect(peer, 5004)) {
      hold.ok(SHORT);
      c.setSoTimeout(300);
      assertThatThrownBy(() -> c.getInputStream().read())
          .isExactlyInstanceOf(SocketTimeoutException.class).hasMessage("Read timed out");
      c.getOutputStream().write(new byte[] {1, 2, 3});
      c.shutdownOutput();
      assertThat(p.ok("drain 5004", SHORT)).startsWith("3 ");
    }

    // the peer aborts (SO_LINGER 0): reset
    AgentPeer.Call abort = p.call("abort 5005");
    abort.expect("LISTENING", SHORT);
    try (Socket c = connect(peer, 5005)) {
      abort.ok(SHORT);
      InputStream in = c.getInputStream();
      assertThatThrownBy(in::read).isExactlyInstanceOf(SocketException.class).hasMessage("Connection reset");
      assertThatThrownBy(() -> c.getOutputStream().write(1)).isExactlyInstanceOf(SocketException.class)
          .hasMessage("Connection reset by peer");
    }

    // use after close
    AgentPeer.Call hold2 = p.call("hold 5006");
    hold2.expect("LISTENING", SHORT);
    Socket c = connect(peer, 5006);
    hold2.ok(SHORT);
    InputStream in = c.getInputStream();
    OutputStream out = c.getOutputStream();
    c.close();
    assertThatThrownBy(in::read).isExactlyInstanceOf(SocketException.class).hasMessage("Socket closed");
    assertThatThrownBy(() -> out.write(1)).isExactlyInstanceOf(SocketException.class).hasMessage("Socket closed");
    assertThatThrownBy(c::getInputStream).isExactlyInstanceOf(SocketException.class).hasMessage("Socket is closed");
    // the peer sees an orderly end of stream
    assertThat(p.ok("drain 5006", SHORT)).startsWith("0 ");
  }

  /** An address in the network's IPv4 range that no member has. */
  private InetAddress unusedAddress(Where where) throws Exception {
    List<String> taken = new ArrayList<>(List.of(a4.getHostAddress()));
    peerAddresses.values().forEach(x -> taken.add(x[0]));
    for (int i = 250; ; i--) {
      String ip = "10.147.17." + i;
      if (!taken.contains(ip)) {
        return InetAddress.getByName(ip);
      }
    }
  }

  // ------------------------------------------------------------------------------ 5. UDP

  @ParameterizedTest
  @EnumSource(Where.class)
  void udpKeepsBoundariesAndDropsWhatDoesNotFitWithoutRetrying(Where where) throws Exception {
    AgentPeer p = peers.get(where);
    int n = 3000;
    p.ok("udp-bind 5007", SHORT);
    long bytes = 0;
    InetAddress to = peer4(where);
    // resolve the peer's MAC first, so the burst is not cut by the ARP pending queue (64 frames)
    a.ping(to, Duration.ofSeconds(10));
    try (DatagramSocket u = a.datagramSocket(0)) {
      for (int seq = 0; seq < n; seq++) {
        byte[] d = NodeAgent.datagram(seq);
        bytes += d.length;
        u.send(new DatagramPacket(d, d.length, to, 5007));
      }
    }
    Thread.sleep(1000); // nobody reads meanwhile: the receiver's buffers fill and drop the rest
    String[] r = p.ok("udp-drain 5007", LONG).split(" ");
    int received = Integer.parseInt(r[0]);
    System.out.printf("%s: %d datagrams (%d KiB) in a burst, %d received, %d out of order%n", where, n, bytes >> 10,
        received, Integer.parseInt(r[3]));
    assertThat(received).as("received").isPositive().isLessThan(n);
    assertThat(Integer.parseInt(r[1])).as("corrupt or cut datagrams").isZero();
    assertThat(Integer.parseInt(r[2])).as("duplicates (a retry would make some)").isZero();
  }

  // ------------------------------------------------------------------------------ 6. restart

  @ParameterizedTest
  @EnumSource(Where.class)
  void restartOnTheSameStorageKeepsIdentityAddressesAndMembership(Where where) throws Exception {
    Path home = tmp.resolve("home-" + where);
    String nwid = String.format("%016x", net.networkId);
    AgentPeer first = storagePeer(where, home, "r1", 0);
    String id = first.nodeId;
    int port = first.udpPort;
    String[] addrs;
    try {
      addrs = join(first);
    } finally {
      if (where == Where.TWO_JVMS) {
        first.kill(); // a crash: the process gets no chance to save anything
      } else {
        first.close();
      }
    }
    // same UDP port, as a node on ZeroTier's fixed 9993 would (with a new port on the same IP,
    // peers keep using the old path until it is dead: ZeroTier's PATH_ALIVE_TIMEOUT, 19 s)
    AgentPeer second = storagePeer(where, home, "r2", port);
    try {
      assertThat(second.nodeId).isEqualTo(id);
      // rejoins from storage, without join
      assertThat(second.ok("await " + nwid, LONG).split(" ")).containsExactly(addrs);
      // and carries traffic
      AgentPeer.Call x = second.call("exchange 5008 1000000 5");
      x.expect("LISTENING", SHORT);
      try (Socket c = connect(InetAddress.getByName(addrs[0]), 5008)) {
        byte[] h = StreamsIT.send(c.getOutputStream(), 1_000_000, 6);
        c.shutdownOutput();
        Object[] got = StreamsIT.receive(c.getInputStream());
        String[] r = x.ok(LONG).split(" ");
        assertThat(r[1]).isEqualTo(NodeAgent.hex(h));
        assertThat(NodeAgent.hex((byte[]) got[0])).isEqualTo(r[2]);
      }
    } finally {
      second.close();
    }
  }

  private AgentPeer storagePeer(Where where, Path home, String name, int port) throws Exception {
    if (where == Where.TWO_JVMS) {
      return AgentPeer.child(planetFile, home, name, "128m", port);
    }
    ZeroTierNode n = net.member(name).storage(home).port(port).build().start();
    n.awaitOnline(SHORT);
    return AgentPeer.inProcess(n);
  }

  // ------------------------------------------------------------------------------ 7. errors

  @ParameterizedTest
  @EnumSource(Where.class)
  void wrongDeniedAndUnknownNetworksAndCorruptStateGiveClearErrors(Where where) throws Exception {
    AgentPeer p = peers.get(where);
    assertThat(p.call("join 8056c2e21c00001").end(SHORT).text())
        .isEqualTo("java.lang.IllegalArgumentException not a ZeroTier network ID (16 hex digits): '8056c2e21c00001'");
    long other = net.records.createNetwork(RecordJson.MAPPER.readTree("{\"name\":\"closed\",\"private\":true,"
        + "\"v4AssignMode\":{\"zt\":true},"
        + "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.147.18.1\",\"ipRangeEnd\":\"10.147.18.254\"}]}")).id();
    AgentPeer.Reply denied = p.call("join " + String.format("%016x", other)).end(LONG);
    assertThat(denied.word()).isEqualTo("ERR");
    assertThat(denied.text()).startsWith(ZeroTierNetworkException.class.getName() + " access denied to network "
        + String.format("%016x", other)).contains(p.nodeId);
    long unknown = (net.networkId & ~0xffffffL) | 0xabcdefL;
    AgentPeer.Reply notFound = p.call("join " + String.format("%016x", unknown)).end(LONG);
    assertThat(notFound.text()).startsWith(ZeroTierNetworkException.class.getName() + " network "
        + String.format("%016x", unknown) + " not found");

    // corrupt state: the node does not start, the message names the file, the file is kept
    Path home = tmp.resolve("corrupt-" + where);
    Files.createDirectories(home);
    Path bad;
    String why;
    if (where == Where.TWO_JVMS) {
      bad = home.resolve("identity.secret");
      Files.writeString(bad, "0123456789:0:garbage");
      why = "not a ZeroTier identity";
      assertThatThrownBy(() -> AgentPeer.child(planetFile, home, "bad", "64m", 0))
          .isInstanceOfSatisfying(AgentPeer.StartFailed.class, e -> {
            assertThat(e.exitCode).isEqualTo(3);
            assertThat(e.line).startsWith("START-FAILED " + ZeroTierStateException.class.getName())
                .contains(bad.toString()).contains(why);
          });
      assertThat(Files.readString(bad)).isEqualTo("0123456789:0:garbage");
      assertThat(home.toFile().list()).as("nothing else written").containsExactly("identity.secret");
    } else {
      bad = home.resolve("planet");
      Files.write(bad, new byte[] {1, 2, 3});
      assertThatThrownBy(() -> net.member("bad").storage(home).build().start())
          .isInstanceOfSatisfying(ZeroTierStateException.class, e -> assertThat(e.file()).isEqualTo(bad))
          .hasMessageContaining(bad.toString());
      assertThat(Files.readAllBytes(bad)).containsExactly(1, 2, 3);
    }
  }
}
