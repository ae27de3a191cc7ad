package io.zt4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.node.NodeEvent;
import io.zt4j.node.PathInfo;
import io.zt4j.node.PeerInfo;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The secondary UDP port over real loopback UDP. */
class SecondaryPortTest {

  static int freePort() throws Exception {
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(NodeRunnerTest.loopback(0))) {
      return probe.getLocalPort();
    }
  }

  /**
   * A one-peer UDP relay that plays a firewall open only to the node's secondary port: what the
   * peer sends to {@link #front} goes to the secondary port; of what comes back, only datagrams
   * from the secondary port reach the peer, the rest are dropped and counted.
   */
  static final class SecondaryOnlyFirewall implements AutoCloseable {
    final java.nio.channels.DatagramChannel front;
    final java.nio.channels.DatagramChannel back;
    final InetSocketAddress target;
    final java.util.concurrent.atomic.AtomicLong forwardedIn = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong forwardedOut = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong droppedFromOtherPorts = new java.util.concurrent.atomic.AtomicLong();
    private final java.nio.channels.Selector selector;
    private final Thread thread;
    private volatile InetSocketAddress peer;

    SecondaryOnlyFirewall(InetSocketAddress target) throws Exception {
      this.target = target;
      selector = java.nio.channels.Selector.open();
      front = java.nio.channels.DatagramChannel.open().bind(NodeRunnerTest.loopback(0));
      back = java.nio.channels.DatagramChannel.open().bind(NodeRunnerTest.loopback(0));
      for (var ch : List.of(front, back)) {
        ch.configureBlocking(false);
        ch.register(selector, java.nio.channels.SelectionKey.OP_READ, ch);
      }
      thread = new Thread(this::run, "secondary-only-firewall");
      thread.setDaemon(true);
      thread.start();
    }

    int frontPort() throws Exception {
      return ((InetSocketAddress) front.getLocalAddress()).getPort();
    }

    private void run() {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(16384);
      try {
        while (selector.isOpen()) {
          selector.select(100);
          for (var k : selector.selectedKeys()) {
            var ch = (java.nio.channels.DatagramChannel) k.attachment();
            for (InetSocketAddress from; (from = (InetSocketAddress) ch.receive(buf.clear())) != null; ) {
              buf.flip();
              if (ch == front) {
                peer = from;
                back.send(buf, target);
                forwardedIn.incrementAndGet();
              } else if (from.equals(target) && peer != null) {
                front.send(buf, peer);
                forwardedOut.incrementAndGet();
              } else {
                droppedFromOtherPorts.incrementAndGet();
              }
            }
          }
          selector.selectedKeys().clear();
        }
      } catch (java.io.IOException | java.nio.channels.ClosedSelectorException e) {
        // closed
      }
    }

    @Override
    public void close() throws Exception {
      selector.close();
      thread.join(2000);
      front.close();
      back.close();
    }
  }

  @Test
  void aPeerThatReachesTheNodeOnlyOnItsSecondaryPortWorksBothWaysAndIsAnsweredFromIt() throws Exception {
    List<Identity> ids = NodeRunnerTest.identities();
    Identity rootId = ids.get(0);
    int primary = freePort();
    int secondary = freePort();
    try (SecondaryOnlyFirewall fw = new SecondaryOnlyFirewall(NodeRunnerTest.loopback(secondary))) {
      // The member knows the root only behind the firewall, which passes the secondary port only.
      World planet = World.make(World.Type.PLANET, 0x5ec0bdL, 1000L, ids.get(5).publicKey(),
          List.of(new World.Root(rootId.withoutPrivateKey(),
              List.of(InetAddress.fromString("127.0.0.1/" + fw.frontPort()).orElseThrow()))),
          ids.get(5).privateKey().orElseThrow());
      List<NodeEvent> rootEvents = new CopyOnWriteArrayList<>();
      List<NodeEvent> memberEvents = new CopyOnWriteArrayList<>();
      NodeRunner root = NodeRunner.start(new NodeRunner.Options().identity(rootId).planet(planet)
          .bind(NodeRunnerTest.loopback(primary)).secondaryPort(secondary).allowLoopbackPaths(true)
          .listener(rootEvents::add).name("secondary-root"));
      NodeRunner member = null;
      try {
        assertThat(root.secondaryPort()).isEqualTo(secondary);
        assertThat(root.localAddresses()).extracting(InetSocketAddress::getPort).containsExactly(primary, secondary);
        // both ports are advertised as direct paths
        List<InetAddress> advertised = root.call(n -> n.localInterfaceAddresses());
        assertThat(advertised.stream().map(Object::toString))
            .containsExactlyInAnyOrder("127.0.0.1/" + primary, "127.0.0.1/" + secondary);

        member = NodeRunner.start(new NodeRunner.Options().identity(ids.get(1)).planet(planet)
            .bind(NodeRunnerTest.loopback(0)).allowLoopbackPaths(true).listener(memberEvents::add).name("secondary-member"));
        assertThat(member.awaitOnline(Duration.ofSeconds(10))).isTrue();
        NodeRunner m = member;
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline
            && !(heard(rootEvents, m, "to root") && heard(memberEvents, root, "to member"))) {
          member.sendUserMessage(root.address(), 9, "to root".getBytes(StandardCharsets.UTF_8));
          root.sendUserMessage(member.address(), 9, "to member".getBytes(StandardCharsets.UTF_8));
          Thread.sleep(50);
        }
        assertThat(heard(rootEvents, member, "to root")).as("member -> root").isTrue();
        assertThat(heard(memberEvents, root, "to member")).as("root -> member").isTrue();

        // Every path of the root to the member is on the secondary socket (id 1): it answered from
        // the port the member reached. The primary socket never heard from the member.
        PeerInfo memberAtRoot = root.peers().stream().filter(p -> p.address().equals(m.address())).findFirst().orElseThrow();
        assertThat(memberAtRoot.paths()).isNotEmpty().extracting(PathInfo::localSocket).containsOnly(1L);
        List<NodeRunner.SocketStats> stats = root.socketStats();
        assertThat(stats.get(0).received()).as("received on the primary port").isZero();
        assertThat(stats.get(1).received()).isPositive();
        assertThat(stats.get(1).sent()).isPositive();
        assertThat(fw.forwardedOut.get()).isPositive();
        // What the firewall dropped is only what ZeroTier sends from every socket (HELLO to a new
        // address); everything else left from the secondary port.
        long sentFromPrimary = stats.get(0).sent();
        long until = System.currentTimeMillis() + 2000;
        while (fw.droppedFromOtherPorts.get() < sentFromPrimary && System.currentTimeMillis() < until) {
          Thread.sleep(10);
        }
        assertThat(fw.droppedFromOtherPorts.get()).isEqualTo(sentFromPrimary);
      } finally {
        if (member != null) {
          member.close();
        }
        root.close();
      }
      assertThat(root.failure()).isEmpty();
    }
  }

  private static boolean heard(List<NodeEvent> events, NodeRunner from, String text) {
    return events.stream().anyMatch(e -> e instanceof NodeEvent.UserMessage u && u.origin().equals(from.address())
        && new String(u.data(), StandardCharsets.UTF_8).equals(text));
  }

  @Test
  void aRandomSecondaryPortIsPickedLikeZeroTierOneOnEveryBoundAddress() throws Exception {
    byte[] v6 = new byte[16];
    v6[15] = 1;
    InetSocketAddress lo6 = new InetSocketAddress(java.net.InetAddress.getByAddress(v6), 0);
    try (NodeRunner n = NodeRunner.start(new NodeRunner.Options().bind(NodeRunnerTest.loopback(0)).bind(lo6)
        .secondaryPort(0).allowLoopbackPaths(true).name("secondary-random"))) {
      int p = n.secondaryPort();
      assertThat(p).isBetween(UdpTransport.RANDOM_PORT_BASE, 65535);
      List<InetSocketAddress> locals = n.localAddresses();
      assertThat(locals).hasSize(4);
      assertThat(locals.subList(2, 4)).extracting(InetSocketAddress::getPort).containsOnly(p);
      assertThat(locals.get(2).getAddress()).isEqualTo(locals.get(0).getAddress());
      assertThat(locals.get(3).getAddress()).isEqualTo(locals.get(1).getAddress());
      List<InetAddress> advertised = n.call(node -> node.localInterfaceAddresses());
      assertThat(advertised).hasSize(4);
    }
  }

  @Test
  void withoutTheOptionThereIsNoSecondaryPort() throws Exception {
    try (NodeRunner n = NodeRunner.start(new NodeRunner.Options().bind(NodeRunnerTest.loopback(0))
        .allowLoopbackPaths(true).name("secondary-none"))) {
      assertThat(n.secondaryPort()).isZero();
      assertThat(n.localAddresses()).hasSize(1);
    }
  }

  @Test
  void aSecondaryPortInUseOrEqualToThePrimaryIsAClearError() throws Exception {
    try (java.net.DatagramSocket taken = new java.net.DatagramSocket(NodeRunnerTest.loopback(0))) {
      int busy = taken.getLocalPort();
      assertThatThrownBy(() -> NodeRunner.start(new NodeRunner.Options().bind(NodeRunnerTest.loopback(0))
          .secondaryPort(busy).allowLoopbackPaths(true).name("secondary-busy")))
          .hasMessageContaining("cannot bind UDP 127.0.0.1/" + busy);
      int primary = freePort();
      assertThatThrownBy(() -> NodeRunner.start(new NodeRunner.Options().bind(NodeRunnerTest.loopback(primary))
          .secondaryPort(primary).allowLoopbackPaths(true).name("secondary-same")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is the primary port");
    }
  }

  @Test
  void aRandomSecondaryPortMovesWhenTheNodeStaysOfflineAnExplicitOneStays() throws Exception {
    List<Identity> ids = NodeRunnerTest.identities();
    // a root nobody runs: the nodes stay offline
    World silent = World.make(World.Type.PLANET, 0x51e7L, 1000L, ids.get(5).publicKey(),
        List.of(new World.Root(ids.get(0).withoutPrivateKey(), List.of(InetAddress.fromString("127.0.0.1/" + freePort()).orElseThrow()))),
        ids.get(5).privateKey().orElseThrow());
    int fixed = freePort();
    try (NodeRunner random = NodeRunner.start(new NodeRunner.Options().identity(ids.get(1)).planet(silent)
            .bind(NodeRunnerTest.loopback(0)).secondaryPort(0).secondaryPortOfflineMillis(300).allowLoopbackPaths(true)
            .name("secondary-moves"));
        NodeRunner explicit = NodeRunner.start(new NodeRunner.Options().identity(ids.get(2)).planet(silent)
            .bind(NodeRunnerTest.loopback(0)).secondaryPort(fixed).secondaryPortOfflineMillis(300).allowLoopbackPaths(true)
            .name("secondary-stays"))) {
      int first = random.secondaryPort();
      long until = System.currentTimeMillis() + 10_000;
      while (random.secondaryPort() == first && System.currentTimeMillis() < until) {
        Thread.sleep(20);
      }
      int moved = random.secondaryPort();
      assertThat(moved).isNotEqualTo(first).isBetween(UdpTransport.RANDOM_PORT_BASE, 65535);
      assertThat(random.localAddresses()).extracting(InetSocketAddress::getPort).containsExactly(
          random.localAddresses().get(0).getPort(), moved);
      List<InetAddress> advertised = random.call(n -> n.localInterfaceAddresses());
      assertThat(advertised.stream().map(Object::toString)).contains("127.0.0.1/" + moved)
          .doesNotContain("127.0.0.1/" + first);
      // the old port was let go (the loop's next select completes the close of a registered channel)
      int rebound = -1;
      for (long end = System.currentTimeMillis() + 2000; rebound < 0 && System.currentTimeMillis() < end; ) {
        try (java.net.DatagramSocket again = new java.net.DatagramSocket(NodeRunnerTest.loopback(first))) {
          rebound = again.getLocalPort();
        } catch (java.net.BindException stillHeld) {
          Thread.sleep(20);
        }
      }
      assertThat(rebound).isEqualTo(first);
      assertThat(explicit.secondaryPort()).isEqualTo(fixed);
      assertThat(explicit.online()).isFalse();
    }
  }
}
