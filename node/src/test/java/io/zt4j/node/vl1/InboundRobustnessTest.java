package io.zt4j.node.vl1;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.Node;
import io.zt4j.node.NodeConfig;
import io.zt4j.node.StateObject;
import io.zt4j.node.identity.Identity;
import io.zt4j.node.sim.TestIdentities;
import io.zt4j.node.sim.TestWorlds;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Untrusted datagrams never make the node throw: random bytes, and valid packets with random
 * corruption, from a peer it knows. Each is handled or dropped and counted.
 */
class InboundRobustnessTest {
  static final Identity ME = TestIdentities.get(30);
  static final Identity PEER = TestIdentities.get(31);
  static final World PLANET = TestWorlds.planet(0x42L, 1L, TestIdentities.get(0),
      new TestWorlds.RootSpec(TestIdentities.get(1), "1.0.0.1/9993"));
  static final InetAddress FROM = InetAddress.fromString("2.0.0.2/9993").orElseThrow();

  private static Node shared;
  private static long now = 1_000_000;

  /** One node for all tries (creating one validates its identity, which is slow); state carries over. */
  static synchronized Node node() {
    if (shared == null) {
      shared = create();
    }
    return shared;
  }

  static Node create() {
    LabReplayTest.Host host = new LabReplayTest.Host();
    host.state.put(StateObject.IDENTITY_SECRET.name(), ME.toString(true).getBytes(StandardCharsets.US_ASCII));
    Node n = Node.create(NodeConfig.builder(new SplittableRandom(1)).planet(PLANET).build(), host, 1_000_000);
    n.vl1().topology().addPeer(n.vl1().newPeer(PEER));
    return n;
  }

  @Provide
  Arbitrary<byte[]> datagrams() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(1600);
  }

  @Property(tries = 500)
  void randomBytesAreDroppedNeverThrown(@ForAll("datagrams") byte[] d) {
    Node n = node();
    long before = n.counters().datagramsIn();
    now += 1000;
    n.processWirePacket(0, FROM, d, 0, d.length, now);
    n.processBackgroundTasks(now + 100);
    assertThat(n.counters().datagramsIn()).isEqualTo(before + 1);
  }

  @Property(tries = 300)
  void corruptedPacketsFromAKnownPeerAreDroppedNeverThrown(@ForAll("datagrams") byte[] noise, @ForAll int seed) {
    Node n = node();
    SplittableRandom r = new SplittableRandom(seed);
    int verb = new int[] {Verbs.HELLO, Verbs.OK, Verbs.ERROR, Verbs.WHOIS, Verbs.RENDEZVOUS, Verbs.ECHO,
        Verbs.PUSH_DIRECT_PATHS, Verbs.USER_MESSAGE, Verbs.REMOTE_TRACE, Verbs.FRAME}[r.nextInt(10)];
    PacketBuilder p = new PacketBuilder(ME.address().toLong(), PEER.address().toLong(), verb, r);
    p.bytes(noise, 0, Math.min(noise.length, 1400));
    if (r.nextBoolean()) {
      n.vl1().compress(p);
    }
    new PeerCipher(PEER.agree(ME).orElseThrow()).armor(p, true, r.nextBoolean());
    byte[] d = Arrays.copyOf(p.buffer(), p.size());
    if (r.nextInt(4) == 0 && d.length > 28) {
      d[28 + r.nextInt(d.length - 28)] ^= (byte) (1 + r.nextInt(255));
    }
    long before = n.counters().datagramsIn();
    now += 1000;
    n.processWirePacket(0, FROM, d, 0, d.length, now);
    n.processBackgroundTasks(now + 100);
    assertThat(n.counters().datagramsIn()).isEqualTo(before + 1);
  }
}
