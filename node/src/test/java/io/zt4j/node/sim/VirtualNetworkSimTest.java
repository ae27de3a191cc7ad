package io.zt4j.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.sim.TestWorlds.RootSpec;
import io.zt4j.node.vl2.NetworkStatus;
import io.zt4j.node.vl2.TestFrames;
import io.zt4j.node.vl2.VirtualNetworkConfig;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.simnet.SimNetwork;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Members joining a controller's network on the simulated Internet: denied, authorized, getting
 * addresses, resolving each other with ARP through ZeroTier multicast, exchanging frames, and
 * being cut off by a revocation.
 */
class VirtualNetworkSimTest {
  final SimNetwork net = new SimNetwork(11);
  final World planet = TestWorlds.planet(0xabcdef01L, 1_000L, TestIdentities.get(0),
      new RootSpec(TestIdentities.get(1), "1.0.0.1/9993"));
  final SimNode root = node("root", "1.0.0.1", 1);
  final SimNode ctlNode = node("ctl", "1.0.0.2", 2);
  final SimNode a = node("a", "2.0.0.2", 3);
  final SimNode b = node("b", "3.0.0.3", 4);

  SimNode node(String name, String ip, int id) {
    return new SimNode(net, name, net.internet().addHost(name, ip), 9993, TestIdentities.get(id), planet, id);
  }

  void startAll() {
    root.start();
    ctlNode.start();
    a.start();
    b.start();
    assertThat(net.runUntil(() -> a.online() && b.online() && ctlNode.online(), 30_000)).isTrue();
  }

  static boolean status(SimNode n, long nwid, NetworkStatus s) {
    VirtualNetworkConfig c = n.network(nwid);
    return c != null && c.status() == s;
  }

  static byte[] arpRequest(SimNode from, long nwid, String fromIp, String toIp) {
    return TestFrames.arp(1, MAC.fromAddress(from.address().toLong(), nwid).bytes(), fromIp, toIp);
  }

  static long count(SimNode n, Predicate<SimNode.TapFrame> p) {
    return n.tapFrames().stream().filter(p).count();
  }

  @Test
  void privateNetworkDeniedThenAuthorizedThenFramesFlowThenRevoked() {
    startAll();
    TestController ctl = new TestController(ctlNode, 0x000001);
    long nwid = ctl.networkId;
    a.join(nwid);
    b.join(nwid);
    assertThat(a.network(nwid).status()).isEqualTo(NetworkStatus.REQUESTING_CONFIGURATION);
    assertThat(net.runUntil(() -> status(a, nwid, NetworkStatus.ACCESS_DENIED)
        && status(b, nwid, NetworkStatus.ACCESS_DENIED), net.nowMillis() + 10_000)).isTrue();

    ctl.authorize(a.address().toLong());
    ctl.authorize(b.address().toLong());
    assertThat(net.runUntil(() -> status(a, nwid, NetworkStatus.OK) && status(b, nwid, NetworkStatus.OK),
        net.nowMillis() + 10_000)).isTrue();
    VirtualNetworkConfig ca = a.network(nwid);
    InetAddress aIp = ctl.ipv4(a.address().toLong());
    InetAddress bIp = ctl.ipv4(b.address().toLong());
    assertThat(ca.ipv4Addresses()).containsExactly(aIp);
    assertThat(ca.ipv6Addresses()).containsExactly(
        io.zt4j.node.vl2.ManagedAddresses.rfc4193(nwid, a.address().toLong()));
    assertThat(ca.mac()).isEqualTo(MAC.fromAddress(a.address().toLong(), nwid));
    assertThat(ca.name()).isEqualTo("simnet");
    assertThat(ca.mtu()).isEqualTo(2800);
    assertThat(ca.routes()).hasSize(1);
    assertThat(a.state()).containsKey("NETWORK_CONFIG/" + Long.toHexString(nwid));

    // a resolves b: the ARP request travels as a multicast to b's ARP group.
    long t0 = net.nowMillis();
    MAC aMac = MAC.fromAddress(a.address().toLong(), nwid);
    MAC bMac = MAC.fromAddress(b.address().toLong(), nwid);
    a.tapSend(nwid, aMac, MAC.BROADCAST, 0x0806, arpRequest(a, nwid, aIp.toIpString(), bIp.toIpString()));
    assertThat(net.runUntil(() -> count(b, f -> f.etherType() == 0x0806) > 0, t0 + 5_000)).isTrue();
    long arpMillis = net.nowMillis() - t0;
    assertThat(arpMillis).as("first ARP on a fresh network, ms").isLessThan(1_000);
    SimNode.TapFrame got = b.tapFrames().stream().filter(f -> f.etherType() == 0x0806).findFirst().orElseThrow();
    assertThat(got.source()).isEqualTo(aMac);
    assertThat(got.destination()).isEqualTo(MAC.BROADCAST);

    // b answers with a unicast ARP reply; then UDP both ways.
    b.tapSend(nwid, bMac, aMac, 0x0806, TestFrames.arp(2, bMac.bytes(), bIp.toIpString(), aIp.toIpString()));
    byte[] udp = TestFrames.ipv4(0, 17, aIp.toIpString(), bIp.toIpString(), TestFrames.udp(1000, 2000, 32));
    a.tapSend(nwid, aMac, bMac, 0x0800, udp);
    assertThat(net.runUntil(() -> count(a, f -> f.etherType() == 0x0806) > 0
        && count(b, f -> f.etherType() == 0x0800) > 0, net.nowMillis() + 5_000)).isTrue();
    SimNode.TapFrame ip = b.tapFrames().stream().filter(f -> f.etherType() == 0x0800).findFirst().orElseThrow();
    assertThat(ip.data()).isEqualTo(udp);
    assertThat(ip.source()).isEqualTo(aMac);
    assertThat(ip.destination()).isEqualTo(bMac);

    // Deauthorizing b revokes its COM at a: b's frames are no longer accepted.
    ctl.deauthorize(b.address().toLong());
    net.runFor(2_000);
    int before = a.tapFrames().size();
    b.tapSend(nwid, bMac, aMac, 0x0800, TestFrames.ipv4(0, 17, bIp.toIpString(), aIp.toIpString(),
        TestFrames.udp(2000, 1000, 8)));
    net.runFor(3_000);
    assertThat(a.tapFrames()).hasSize(before);
    assertThat(a.node().vl2().drops()).containsKey(io.zt4j.node.vl2.Vl2.Drop.NOT_A_MEMBER);
  }

  /**
   * b's tap subscribed a group before its config arrived and the periodic announcement ran then
   * (as a stack subscribing IPv6 all-nodes at once does): the config's address-resolution group
   * must still reach the root and controller at once, or a's ARP finds nobody for a minute.
   */
  @Test
  void addressResolutionGroupIsAnnouncedWhenTheFirstConfigArrivesAfterAnEarlierAnnouncement() {
    startAll();
    TestController ctl = new TestController(ctlNode, 0x000002);
    long nwid = ctl.networkId;
    a.join(nwid);
    b.join(nwid);
    b.subscribe(nwid, new io.zt4j.node.wire.MulticastGroup(new MAC(0x3333_0000_0001L), 0));
    assertThat(net.runUntil(() -> status(b, nwid, NetworkStatus.ACCESS_DENIED), net.nowMillis() + 10_000)).isTrue();
    net.runFor(6_000); // a background run announced b's groups (config still missing)
    ctl.authorize(a.address().toLong());
    ctl.authorize(b.address().toLong());
    assertThat(net.runUntil(() -> status(a, nwid, NetworkStatus.OK) && status(b, nwid, NetworkStatus.OK),
        net.nowMillis() + 10_000)).isTrue();
    InetAddress aIp = ctl.ipv4(a.address().toLong());
    InetAddress bIp = ctl.ipv4(b.address().toLong());
    long t0 = net.nowMillis();
    a.tapSend(nwid, MAC.fromAddress(a.address().toLong(), nwid), MAC.BROADCAST, 0x0806,
        arpRequest(a, nwid, aIp.toIpString(), bIp.toIpString()));
    assertThat(net.runUntil(() -> count(b, f -> f.etherType() == 0x0806) > 0, t0 + 5_000)).isTrue();
    assertThat(net.nowMillis() - t0).as("ARP to a member whose config came after an announcement, ms").isLessThan(1_000);
  }

  @Test
  void adHocNetworkNeedsNoController() {
    startAll();
    long nwid = io.zt4j.node.vl2.AdHocNetwork.portRangeNetworkId(7000, 7100);
    a.join(nwid);
    b.join(nwid);
    assertThat(status(a, nwid, NetworkStatus.OK)).isTrue();
    VirtualNetworkConfig ca = a.network(nwid);
    assertThat(ca.name()).isEqualTo("adhoc-1b58-1bbc");
    assertThat(ca.isPrivate()).isFalse();
    InetAddress a6 = io.zt4j.node.vl2.ManagedAddresses.sixPlane(nwid, a.address().toLong());
    InetAddress b6 = io.zt4j.node.vl2.ManagedAddresses.sixPlane(nwid, b.address().toLong());
    assertThat(ca.assignedAddresses()).containsExactly(a6);
    MAC aMac = MAC.fromAddress(a.address().toLong(), nwid);
    MAC bMac = MAC.fromAddress(b.address().toLong(), nwid);
    byte[] ok = TestFrames.ipv6(0, 17, a6.toIpString(), b6.toIpString(), TestFrames.udp(5, 7050, 4));
    // The ad-hoc rules refuse connection attempts (TCP SYN) outside the port range, and IPv4.
    byte[] blocked = TestFrames.ipv6(0, 6, a6.toIpString(), b6.toIpString(), TestFrames.tcp(5, 80, 0x02));
    a.tapSend(nwid, aMac, bMac, 0x0800, TestFrames.ipv4(0, 17, "10.0.0.1", "10.0.0.2", TestFrames.udp(5, 7050, 4)));
    a.tapSend(nwid, aMac, bMac, 0x86dd, blocked);
    a.tapSend(nwid, aMac, bMac, 0x86dd, ok);
    assertThat(net.runUntil(() -> !b.tapFrames().isEmpty(), net.nowMillis() + 5_000)).isTrue();
    net.runFor(1_000);
    assertThat(b.tapFrames()).extracting(SimNode.TapFrame::data).containsExactly(ok);
    assertThat(List.of(io.zt4j.node.vl2.AdHocNetwork.portRangeNetworkId(20, 10)))
        .allSatisfy(id -> {
          a.join(id);
          assertThat(status(a, id, NetworkStatus.NOT_FOUND)).isTrue();
        });
  }
}
