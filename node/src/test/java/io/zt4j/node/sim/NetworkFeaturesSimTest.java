package io.zt4j.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.sim.TestWorlds.RootSpec;
import io.zt4j.node.vl2.NetworkConfig;
import io.zt4j.node.vl2.NetworkConfigChunk;
import io.zt4j.node.vl2.NetworkStatus;
import io.zt4j.node.vl2.Rule;
import io.zt4j.node.vl2.RuleType;
import io.zt4j.node.vl2.TestFrames;
import io.zt4j.node.vl2.VirtualNetworkConfig;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.MulticastGroup;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.simnet.SimNetwork;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Config chunking, rules, multicast fan-out, broadcast and restarts on the simulated network. */
class NetworkFeaturesSimTest {
  final SimNetwork net = new SimNetwork(23);
  final World planet = TestWorlds.planet(0xabcdef02L, 1_000L, TestIdentities.get(0),
      new RootSpec(TestIdentities.get(1), "1.0.0.1/9993"));
  final SimNode root = node("root", "1.0.0.1", 1);
  final SimNode ctlNode = node("ctl", "1.0.0.2", 2);
  final SimNode a = node("a", "2.0.0.2", 3);
  final SimNode b = node("b", "3.0.0.3", 4);
  final SimNode c = node("c", "4.0.0.4", 5);
  TestController ctl;
  long nwid;

  SimNode node(String name, String ip, int id) {
    return new SimNode(net, name, net.internet().addHost(name, ip), 9993, TestIdentities.get(id), planet, id);
  }

  MAC mac(SimNode n) {
    return MAC.fromAddress(n.address().toLong(), nwid);
  }

  String ip(SimNode n) {
    return ctl.ipv4(n.address().toLong()).toIpString();
  }

  /** Starts everything, creates the network with {@code setup}, joins and authorizes a, b, c. */
  void network(java.util.function.Consumer<TestController> setup) {
    for (SimNode n : List.of(root, ctlNode, a, b, c)) {
      n.start();
    }
    assertThat(net.runUntil(() -> a.online() && b.online() && c.online() && ctlNode.online(), 30_000)).isTrue();
    ctl = new TestController(ctlNode, 0x00abcd);
    nwid = ctl.networkId;
    setup.accept(ctl);
    for (SimNode n : List.of(a, b, c)) {
      ctl.authorized.add(n.address().toLong());
      n.join(nwid);
    }
    assertThat(net.runUntil(() -> List.of(a, b, c).stream().allMatch(n -> n.network(nwid) != null
        && n.network(nwid).status() == NetworkStatus.OK), net.nowMillis() + 10_000)).isTrue();
  }

  @Test
  void largeConfigsTravelInSeveralSignedChunks() {
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      rules.add(Rule.integerRange(false, false, i, i + 1, 0, 7));
    }
    rules.add(Rule.action(RuleType.ACTION_ACCEPT));
    network(t -> t.rules = rules);
    VirtualNetworkConfig ca = a.network(nwid);
    NetworkConfig full = NetworkConfig.parse(a.state().get("NETWORK_CONFIG/" + Long.toHexString(nwid))).value();
    assertThat(full.serialize().length).as("config bytes").isGreaterThan(NetworkConfigChunk.MAX_CHUNK);
    assertThat(full.rules()).isEqualTo(rules);
    assertThat(ca.status()).isEqualTo(NetworkStatus.OK);
  }

  @Test
  void rulesBlockWhatTheyShould() {
    // Drop TCP to port 22 and anything that is not IPv4/ARP/IPv6; accept the rest.
    network(t -> t.rules = List.of(
        Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, 0x0800),
        Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, 0x0806),
        Rule.scalar(RuleType.MATCH_ETHERTYPE, true, false, 0x86dd),
        Rule.action(RuleType.ACTION_DROP),
        Rule.scalar(RuleType.MATCH_IP_PROTOCOL, false, false, 6),
        Rule.range(RuleType.MATCH_IP_DEST_PORT_RANGE, false, false, 22, 22),
        Rule.action(RuleType.ACTION_DROP),
        Rule.action(RuleType.ACTION_ACCEPT)));
    byte[] ssh = TestFrames.ipv4(0, 6, ip(a), ip(b), TestFrames.tcp(40000, 22, 0x02));
    byte[] web = TestFrames.ipv4(0, 6, ip(a), ip(b), TestFrames.tcp(40000, 80, 0x02));
    byte[] lldp = new byte[46];
    a.tapSend(nwid, mac(a), mac(b), 0x0800, ssh);
    a.tapSend(nwid, mac(a), mac(b), 0x88cc, lldp);
    a.tapSend(nwid, mac(a), mac(b), 0x0800, web);
    assertThat(net.runUntil(() -> !b.tapFrames().isEmpty(), net.nowMillis() + 5_000)).isTrue();
    net.runFor(2_000);
    assertThat(b.tapFrames()).extracting(SimNode.TapFrame::data).containsExactly(web);
    assertThat(a.node().vl2().drops().get(io.zt4j.node.vl2.Vl2.Drop.FILTERED)).isEqualTo(2);
  }

  @Test
  void multicastReachesExactlyTheSubscribersAndBroadcastEveryone() {
    network(t -> {});
    MulticastGroup g = new MulticastGroup(MAC.of(0x01, 0x00, 0x5e, 0x01, 0x02, 0x03), 0);
    c.subscribe(nwid, g);
    net.runFor(1_000);
    byte[] mcast = TestFrames.ipv4(0, 17, ip(a), "239.1.2.3", TestFrames.udp(5000, 5000, 8));
    a.tapSend(nwid, mac(a), g.mac(), 0x0800, mcast);
    assertThat(net.runUntil(() -> !c.tapFrames().isEmpty(), net.nowMillis() + 5_000)).isTrue();
    net.runFor(2_000);
    assertThat(c.tapFrames()).extracting(SimNode.TapFrame::data).containsExactly(mcast);
    assertThat(b.tapFrames()).isEmpty();
    assertThat(a.tapFrames()).isEmpty();

    byte[] bcast = TestFrames.ipv4(0, 17, ip(a), "10.147.17.255", TestFrames.udp(137, 137, 8));
    a.tapSend(nwid, mac(a), MAC.BROADCAST, 0x0800, bcast);
    assertThat(net.runUntil(() -> b.tapFrames().size() == 1 && c.tapFrames().size() == 2,
        net.nowMillis() + 5_000)).isTrue();
    assertThat(b.tapFrames().get(0).destination()).isEqualTo(MAC.BROADCAST);
  }

  @Test
  void broadcastOffMeansNoBroadcast() {
    network(t -> t.broadcast = false);
    byte[] bcast = TestFrames.ipv4(0, 17, ip(a), "10.147.17.255", TestFrames.udp(137, 137, 8));
    a.tapSend(nwid, mac(a), MAC.BROADCAST, 0x0800, bcast);
    net.runFor(3_000);
    assertThat(b.tapFrames()).isEmpty();
    assertThat(c.tapFrames()).isEmpty();
    assertThat(a.node().vl2().drops()).containsKey(io.zt4j.node.vl2.Vl2.Drop.BROADCAST_DISABLED);
    // ARP still works: it travels to the ARP group of the address asked about.
    a.tapSend(nwid, mac(a), MAC.BROADCAST, 0x0806, TestFrames.arp(1, mac(a).bytes(), ip(a), ip(c)));
    assertThat(net.runUntil(() -> !c.tapFrames().isEmpty(), net.nowMillis() + 5_000)).isTrue();
    net.runFor(1_000);
    assertThat(b.tapFrames()).as("only the asked-about member gets the ARP").isEmpty();
  }

  @Test
  void aRestartedNodeUsesItsStoredConfigAtOnce() {
    network(t -> {});
    b.stop();
    b.start();
    b.join(nwid);
    assertThat(b.network(nwid).status()).isEqualTo(NetworkStatus.OK);
    assertThat(b.network(nwid).ipv4Addresses()).hasSize(1);
    assertThat(net.runUntil(() -> b.online(), net.nowMillis() + 30_000)).isTrue();
    byte[] udp = TestFrames.ipv4(0, 17, ip(a), ip(b), TestFrames.udp(1, 2, 3));
    a.tapSend(nwid, mac(a), mac(b), 0x0800, udp);
    assertThat(net.runUntil(() -> !b.tapFrames().isEmpty(), net.nowMillis() + 5_000)).isTrue();
    b.leave(nwid);
    assertThat(b.network(nwid)).isNull();
    assertThat(b.state()).doesNotContainKey("NETWORK_CONFIG/" + Long.toHexString(nwid));
  }
}
