package io.zt4j.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.sim.TestWorlds.RootSpec;
import io.zt4j.node.vl1.Verbs;
import io.zt4j.node.vl1.Vl1;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.simnet.LinkProfile;
import io.zt4j.testkit.simnet.Nat;
import io.zt4j.testkit.simnet.NatBehavior;
import io.zt4j.testkit.simnet.SimNetwork;
import org.junit.jupiter.api.Test;

/**
 * Two leaves behind the same NAT. With hairpinning the root's introduction (their shared public
 * address, different ports) works. Without it, VL1 alone stays relayed, as ZeroTier does: only
 * peers that established trust through a network (VL2) push their LAN addresses with
 * PUSH_DIRECT_PATHS, and then they find each other on the LAN.
 */
class SameNatTest {
  record Setup(SimNetwork net, SimNode root, SimNode a, SimNode b) {}

  static Setup setup(boolean hairpin, long seed) {
    SimNetwork net = new SimNetwork(seed);
    World planet = TestWorlds.planet(0x55L, 1L, TestIdentities.get(0), new RootSpec(TestIdentities.get(1), "1.0.0.1/9993"));
    LinkProfile wan = LinkProfile.delay(15);
    SimNode root = new SimNode(net, "root", net.internet().addHost("root", wan, "1.0.0.1"), 9993, TestIdentities.get(1), planet, 1);
    Nat nat = net.addNat("nat", net.internet(), "2.0.0.1", NatBehavior.portRestricted().withHairpinning(hairpin), wan);
    SimNode a = new SimNode(net, "a", nat.inside().addHost("a", LinkProfile.delay(1), "192.168.1.2"), 9993, TestIdentities.get(2), planet, 2);
    SimNode b = new SimNode(net, "b", nat.inside().addHost("b", LinkProfile.delay(1), "192.168.1.3"), 9993, TestIdentities.get(3), planet, 3);
    root.start();
    a.start();
    b.start();
    assertThat(net.runUntil(() -> a.online() && b.online(), 10_000)).isTrue();
    return new Setup(net, root, a, b);
  }

  @Test
  void withHairpinningTheyGoDirectThroughTheNatsPublicAddress() {
    Setup s = setup(true, 5);
    PathFailoverIT.talkUntil(s.net(), s.a(), s.b(), () -> s.a().direct(s.b().address()) && s.b().direct(s.a().address()), 60_000);
    assertThat(s.a().direct(s.b().address())).isTrue();
    assertThat(preferred(s.a(), s.b())).isEqualTo("2.0.0.1");
  }

  @Test
  void withoutHairpinningVl1AloneStaysRelayed() {
    Setup s = setup(false, 6);
    PathFailoverIT.talkUntil(s.net(), s.a(), s.b(), () -> s.a().direct(s.b().address()), 60_000);
    assertThat(s.a().direct(s.b().address())).isFalse();
    assertThat(s.b().userMessages()).hasSizeGreaterThan(50);
  }

  @Test
  void withoutHairpinningTrustedPeersFindEachOtherOnTheLan() {
    Setup s = setup(false, 7);
    // Stand in for VL2: FRAMEs between the two are trusted (as after a membership check).
    for (SimNode n : new SimNode[] {s.a(), s.b()}) {
      n.node().vl1().registerVerb(Verbs.FRAME, (vl1, p) -> {
        vl1.received(p, true);
        return true;
      });
    }
    long until = s.net().nowMillis() + 60_000;
    while (s.net().nowMillis() < until && !(s.a().direct(s.b().address()) && s.b().direct(s.a().address()))) {
      frame(s.a(), s.b());
      frame(s.b(), s.a());
      s.net().runFor(1_000);
    }
    assertThat(s.a().direct(s.b().address())).isTrue();
    assertThat(preferred(s.a(), s.b())).isEqualTo("192.168.1.3");
    assertThat(preferred(s.b(), s.a())).isEqualTo("192.168.1.2");
    assertThat(s.a().node().counters().in(Verbs.PUSH_DIRECT_PATHS)).isPositive();
  }

  static void frame(SimNode from, SimNode to) {
    Vl1 vl1 = from.node().vl1();
    vl1.send(vl1.newPacket(to.address().toLong(), Verbs.FRAME).u64(0x1122334455667788L).u16(0x0800).bytes(new byte[20]), true);
  }

  static String preferred(SimNode from, SimNode to) {
    return from.peer(to.address()).orElseThrow().paths().stream().filter(p -> p.preferred())
        .findFirst().orElseThrow().address().toIpString();
  }
}
