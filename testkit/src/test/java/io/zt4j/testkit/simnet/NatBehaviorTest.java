package io.zt4j.testkit.simnet;

import static io.zt4j.testkit.simnet.SimNetwork.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.testkit.simnet.SimNetwork.Counter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The NAT models behave as RFC 4787 describes each type. */
class NatBehaviorTest {
  /** What a socket received: (from, first payload byte). */
  record Rx(InetSocketAddress from, int tag) {}

  static final class World {
    final SimNetwork net = new SimNetwork(42);
    final Nat nat;
    final SimSocket a;
    final SimSocket s1000;
    final SimSocket s2000;
    final SimSocket t1000;
    final List<Rx> atA = new ArrayList<>();
    final List<Rx> atS = new ArrayList<>();

    World(NatBehavior behavior) {
      nat = net.addNat("nat", "2.0.0.1", behavior);
      a = nat.inside().addHost("a", "10.0.0.2").bind(5000).onReceive(record(atA));
      SimHost s = net.internet().addHost("s", "1.0.0.1");
      s1000 = s.bind(1000).onReceive(record(atS));
      s2000 = s.bind(2000).onReceive(record(atS));
      t1000 = net.internet().addHost("t", "1.0.0.2").bind(1000).onReceive(record(atS));
    }

    static SimSocket.Receiver record(List<Rx> into) {
      return (sock, from, data) -> into.add(new Rx(from, data[0]));
    }

    InetSocketAddress aOutFrom(int sTag) {
      atS.clear();
      a.send(sTag == 1 ? s1000.localAddress() : s2000.localAddress(), new byte[] {(byte) sTag});
      net.runFor(1);
      assertThat(atS).hasSize(1);
      return atS.get(0).from();
    }

    boolean reachesA(SimSocket from, InetSocketAddress publicA) {
      atA.clear();
      from.send(publicA, new byte[] {7});
      net.runFor(1);
      return atA.size() == 1;
    }
  }

  @Test
  void fullConeMapsOncePreservingThePortAndLetsAnyoneIn() {
    World w = new World(NatBehavior.fullCone());
    InetSocketAddress pub = w.aOutFrom(1);
    assertThat(pub).isEqualTo(endpoint("2.0.0.1", 5000));
    assertThat(w.aOutFrom(2)).isEqualTo(pub);
    assertThat(w.reachesA(w.s1000, pub)).isTrue();
    assertThat(w.atA.get(0).from()).isEqualTo(w.s1000.localAddress());
    assertThat(w.reachesA(w.s2000, pub)).isTrue();
    assertThat(w.reachesA(w.t1000, pub)).isTrue();
  }

  @Test
  void addressRestrictedAdmitsAnyPortOfAContactedAddressOnly() {
    World w = new World(NatBehavior.addressRestricted());
    InetSocketAddress pub = w.aOutFrom(1);
    assertThat(w.reachesA(w.s1000, pub)).isTrue();
    assertThat(w.reachesA(w.s2000, pub)).isTrue();
    assertThat(w.reachesA(w.t1000, pub)).isFalse();
    assertThat(w.net.count(Counter.NAT_FILTERED)).isEqualTo(1);
  }

  @Test
  void portRestrictedAdmitsOnlyTheExactContactedEndpoint() {
    World w = new World(NatBehavior.portRestricted());
    InetSocketAddress pub = w.aOutFrom(1);
    assertThat(w.reachesA(w.s1000, pub)).isTrue();
    assertThat(w.reachesA(w.s2000, pub)).isFalse();
    assertThat(w.reachesA(w.t1000, pub)).isFalse();
    // Once a has sent to s:2000 too, the same public port admits it.
    assertThat(w.aOutFrom(2)).isEqualTo(pub);
    assertThat(w.reachesA(w.s2000, pub)).isTrue();
  }

  @Test
  void symmetricUsesANewPortPerRemoteAndAdmitsOnlyThatRemote() {
    World w = new World(NatBehavior.symmetric());
    InetSocketAddress toS1000 = w.aOutFrom(1);
    InetSocketAddress toS2000 = w.aOutFrom(2);
    assertThat(toS1000.getAddress()).isEqualTo(toS2000.getAddress());
    assertThat(toS1000.getPort()).isNotEqualTo(toS2000.getPort());
    assertThat(w.reachesA(w.s1000, toS1000)).isTrue();
    assertThat(w.reachesA(w.s1000, toS2000)).isFalse();
    assertThat(w.reachesA(w.s2000, toS2000)).isTrue();
    assertThat(w.reachesA(w.t1000, toS1000)).isFalse();
    assertThat(w.nat.mappingCount()).isEqualTo(2);
  }

  @Test
  void idleMappingsExpireAndOutboundTrafficRefreshesThem() {
    World w = new World(NatBehavior.fullCone().withMappingTimeout(30_000));
    InetSocketAddress pub = w.aOutFrom(1);
    w.net.runFor(20_000);
    w.aOutFrom(1); // refresh
    w.net.runFor(20_000);
    assertThat(w.reachesA(w.t1000, pub)).isTrue(); // inbound does not refresh by default
    w.net.runFor(15_000);
    assertThat(w.reachesA(w.t1000, pub)).isFalse();
    assertThat(w.net.count(Counter.NAT_NO_MAPPING)).isEqualTo(1);
    assertThat(w.nat.mappingCount()).isZero();
  }

  @Test
  void inboundRefreshKeepsAMappingAliveWhenEnabled() {
    World w = new World(NatBehavior.fullCone().withMappingTimeout(30_000).withInboundRefresh(true));
    InetSocketAddress pub = w.aOutFrom(1);
    for (int i = 0; i < 5; i++) {
      w.net.runFor(25_000);
      assertThat(w.reachesA(w.s1000, pub)).isTrue();
    }
  }

  @Test
  void filterPermissionsExpireWithTheMapping() {
    World w = new World(NatBehavior.portRestricted().withMappingTimeout(30_000));
    InetSocketAddress pub = w.aOutFrom(1);
    w.net.runFor(31_000);
    assertThat(w.reachesA(w.s1000, pub)).isFalse();
  }

  @Test
  void hairpinningLoopsBackToAnotherInsideHostOnlyWhenSupported() {
    for (boolean hairpin : new boolean[] {true, false}) {
      SimNetwork net = new SimNetwork(1);
      Nat nat = net.addNat("nat", "2.0.0.1", NatBehavior.fullCone().withHairpinning(hairpin));
      List<Rx> atB = new ArrayList<>();
      SimSocket a = nat.inside().addHost("a", "10.0.0.2").bind(5000);
      SimSocket b = nat.inside().addHost("b", "10.0.0.3").bind(6000).onReceive(World.record(atB));
      SimSocket s = net.internet().addHost("s", "1.0.0.1").bind(1000);
      b.send(s.localAddress(), new byte[] {1}); // creates b's mapping 2.0.0.1:6000
      net.runFor(1);
      a.send(endpoint("2.0.0.1", 6000), new byte[] {2});
      net.runFor(1);
      if (hairpin) {
        assertThat(atB).containsExactly(new Rx(endpoint("2.0.0.1", 5000), 2));
        assertThat(net.count(Counter.NAT_HAIRPINNED)).isEqualTo(1);
      } else {
        assertThat(atB).isEmpty();
        assertThat(net.count(Counter.NAT_HAIRPIN_REFUSED)).isEqualTo(1);
      }
    }
  }

  @Test
  void hostsOnTheSameLanTalkWithoutTheNat() {
    SimNetwork net = new SimNetwork(1);
    Nat nat = net.addNat("nat", "2.0.0.1", NatBehavior.symmetric());
    List<Rx> atB = new ArrayList<>();
    SimSocket a = nat.inside().addHost("a", "10.0.0.2").bind(5000);
    nat.inside().addHost("b", "10.0.0.3").bind(6000).onReceive(World.record(atB));
    a.send(endpoint("10.0.0.3", 6000), new byte[] {3});
    net.runFor(1);
    assertThat(atB).containsExactly(new Rx(endpoint("10.0.0.2", 5000), 3));
    assertThat(nat.mappingCount()).isZero();
  }

  @Test
  void lowTtlOpensTheLocalNatWithoutReachingTheRemote() {
    World w = new World(NatBehavior.fullCone());
    w.a.send(w.t1000.localAddress(), new byte[] {9}, 2);
    w.net.runFor(1);
    assertThat(w.atS).isEmpty();
    assertThat(w.net.count(Counter.TTL_EXPIRED)).isEqualTo(1);
    assertThat(w.nat.mappingCount()).isEqualTo(1);
    assertThat(w.reachesA(w.t1000, endpoint("2.0.0.1", 5000))).isTrue();
    w.a.send(w.t1000.localAddress(), new byte[] {9}, 3);
    w.net.runFor(1);
    assertThat(w.atS).hasSize(1);
  }

  @Test
  void natsNestBehindEachOther() {
    SimNetwork net = new SimNetwork(1);
    Nat carrier = net.addNat("cgn", "3.0.0.1", NatBehavior.fullCone());
    Nat home = net.addNat("home", carrier.inside(), "100.64.0.5", NatBehavior.portRestricted(), LinkProfile.PERFECT);
    SimSocket a = home.inside().addHost("a", "192.168.1.2").bind(7000);
    List<Rx> atS = new ArrayList<>();
    SimSocket s = net.internet().addHost("s", "1.0.0.1").bind(1000).onReceive(World.record(atS));
    a.send(s.localAddress(), new byte[] {5});
    net.runFor(1);
    assertThat(atS).containsExactly(new Rx(endpoint("3.0.0.1", 7000), 5));
    List<Rx> atA = new ArrayList<>();
    a.onReceive(World.record(atA));
    s.send(endpoint("3.0.0.1", 7000), new byte[] {6});
    net.runFor(1);
    assertThat(atA).containsExactly(new Rx(s.localAddress(), 6));
  }

  @Test
  void symmetricMappingTableStaysBoundedUnderManyRemotes() {
    World w = new World(NatBehavior.symmetric().withMappingTimeout(10_000));
    for (int port = 1; port <= 2000; port++) {
      w.a.send(endpoint("1.0.0.1", 10_000 + port), new byte[] {1});
    }
    w.net.runFor(1);
    assertThat(w.nat.mappingCount()).isEqualTo(2000);
    w.net.runFor(10_001);
    w.a.send(w.s1000.localAddress(), new byte[] {1});
    w.net.runFor(1);
    assertThat(w.nat.mappingCount()).isEqualTo(1);
  }

  @Test
  void unknownDestinationsAndClosedPortsAreCounted() {
    World w = new World(NatBehavior.fullCone());
    w.s1000.send(endpoint("9.9.9.9", 1), new byte[] {1});
    w.s1000.send(endpoint("1.0.0.2", 4444), new byte[] {1});
    w.net.runFor(1);
    assertThat(w.net.count(Counter.NO_ROUTE)).isEqualTo(1);
    assertThat(w.net.count(Counter.PORT_UNREACHABLE)).isEqualTo(1);
  }
}
