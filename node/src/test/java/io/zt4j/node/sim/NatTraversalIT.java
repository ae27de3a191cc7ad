package io.zt4j.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.sim.TestWorlds.RootSpec;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.simnet.LinkProfile;
import io.zt4j.testkit.simnet.Nat;
import io.zt4j.testkit.simnet.NatBehavior;
import io.zt4j.testkit.simnet.SimNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two leaves behind every pair of NAT types reach each other through a root, and go direct
 * exactly when ZeroTier's hole punching can work with those NATs.
 *
 * <p>ZeroTier punches with what a root sees: each side is told the other's address:port as the
 * root saw it, and both send there (after a TTL-2 junk datagram). That opens any NAT with
 * endpoint-independent mapping. A symmetric NAT (a new random port per remote) maps the packets
 * to the peer on a port nobody was told about, so it can only be reached by a side whose NAT lets
 * an unexpected port of an address it already sent to in (full cone, address-restricted); with a
 * port-restricted or another symmetric NAT on the other side the pair stays relayed. ZeroTier has
 * no port prediction, so neither does this.
 */
class NatTraversalIT {
  static final long DIRECT_WITHIN_MILLIS = 60_000;

  enum Type {
    FULL_CONE(NatBehavior::fullCone),
    ADDRESS_RESTRICTED(NatBehavior::addressRestricted),
    PORT_RESTRICTED(NatBehavior::portRestricted),
    SYMMETRIC(NatBehavior::symmetric);

    final Supplier<NatBehavior> behavior;

    Type(Supplier<NatBehavior> behavior) {
      this.behavior = behavior;
    }
  }

  /** ZeroTier goes direct unless one side is symmetric and the other filters by port. */
  static boolean expectDirect(Type x, Type y) {
    boolean xPort = x == Type.PORT_RESTRICTED || x == Type.SYMMETRIC;
    boolean yPort = y == Type.PORT_RESTRICTED || y == Type.SYMMETRIC;
    return !((x == Type.SYMMETRIC && yPort) || (y == Type.SYMMETRIC && xPort));
  }

  static Stream<Arguments> pairs() {
    List<Arguments> out = new ArrayList<>();
    for (Type x : Type.values()) {
      for (Type y : Type.values()) {
        out.add(Arguments.of(x, y));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} <-> {1}")
  @MethodSource("pairs")
  void leavesBehindNatsGoDirectWhenHolePunchingCanWork(Type x, Type y) {
    SimNetwork net = new SimNetwork(1000 + x.ordinal() * 10 + y.ordinal());
    World planet = TestWorlds.planet(0x1234L, 1L, TestIdentities.get(0),
        new RootSpec(TestIdentities.get(1), "1.0.0.1/9993"));
    LinkProfile wan = LinkProfile.delay(15).withJitter(5);
    SimNode root = new SimNode(net, "root", net.internet().addHost("root", wan, "1.0.0.1"), 9993,
        TestIdentities.get(1), planet, 1);
    Nat natA = net.addNat("natA", net.internet(), "2.0.0.1", x.behavior.get(), wan);
    Nat natB = net.addNat("natB", net.internet(), "3.0.0.1", y.behavior.get(), wan);
    // Both LANs use the same private address: nothing may confuse the two.
    SimNode a = new SimNode(net, "a", natA.inside().addHost("a", LinkProfile.delay(1), "192.168.1.2"), 9993,
        TestIdentities.get(2), planet, 2);
    SimNode b = new SimNode(net, "b", natB.inside().addHost("b", LinkProfile.delay(1), "192.168.1.2"), 9993,
        TestIdentities.get(3), planet, 3);
    root.start();
    a.start();
    b.start();
    assertThat(net.runUntil(() -> a.online() && b.online(), 10_000)).as("online").isTrue();

    long start = net.nowMillis();
    int sent = 0;
    while (net.nowMillis() - start < DIRECT_WITHIN_MILLIS && !(a.direct(b.address()) && b.direct(a.address()))) {
      a.send(b, 1, "a" + sent);
      b.send(a, 1, "b" + sent);
      sent++;
      net.runFor(1_000);
    }
    boolean direct = a.direct(b.address()) && b.direct(a.address());
    // Through the root or not, messages arrive.
    net.runFor(2_000);
    assertThat(b.userMessages()).isNotEmpty();
    assertThat(a.userMessages()).isNotEmpty();
    assertThat(direct).as("direct between %s and %s", x, y).isEqualTo(expectDirect(x, y));
    if (direct) {
      // The direct path is the other NAT's public side.
      assertThat(a.peer(b.address()).orElseThrow().paths().stream()
          .anyMatch(p -> p.preferred() && p.address().toIpString().equals("3.0.0.1"))).isTrue();
    } else {
      // Relayed traffic keeps flowing.
      int before = b.userMessages().size();
      a.send(b, 2, "still there?");
      net.runFor(1_000);
      assertThat(b.userMessages()).hasSize(before + 1);
    }
  }
}
