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
class NetworkFeaturesSimIT {
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

  @Test
  void bridgingOnlyForActiveBridges() {
    network(t -> t.bridges.add(c.address().toLong()));
    MAC behindB = MAC.of(0x02, 0, 0, 0, 0, 0x42);
    MAC behindC = MAC.of(0x02, 0, 0, 0, 0, 0x99);
    byte[] udp = TestFrames.ipv4(0, 17, "192.168.9.9", ip(a), TestFrames.udp(1, 2, 4));
    b.tapSend(nwid, behindB, mac(a), 0x0800, udp);
    net.runFor(2_000);
    assertThat(a.tapFrames()).as("b may not bridge").isEmpty();
    assertThat(b.node().vl2().drops()).containsKey(io.zt4j.node.vl2.Vl2.Drop.NOT_A_BRIDGE);

    c.tapSend(nwid, behindC, mac(a), 0x0800, udp);
    assertThat(net.runUntil(() -> !a.tapFrames().isEmpty(), net.nowMillis() + 5_000)).isTrue();
    assertThat(a.tapFrames().get(0).source()).isEqualTo(behindC);
    // a learned that behindC sits behind c: its reply goes there as EXT_FRAME.
    byte[] reply = TestFrames.ipv4(0, 17, ip(a), "192.168.9.9", TestFrames.udp(2, 1, 4));
    a.tapSend(nwid, mac(a), behindC, 0x0800, reply);
    assertThat(net.runUntil(() -> !c.tapFrames().isEmpty(), net.nowMillis() + 5_000)).isTrue();
    assertThat(c.tapFrames().get(0).destination()).isEqualTo(behindC);
    assertThat(c.tapFrames().get(0).data()).isEqualTo(reply);
    // A MAC nobody announced goes to the active bridges.
    a.tapSend(nwid, mac(a), MAC.of(0x02, 0, 0, 0, 0, 0x77), 0x0800, reply);
    assertThat(net.runUntil(() -> c.tapFrames().size() == 2, net.nowMillis() + 5_000)).isTrue();
    assertThat(b.tapFrames()).isEmpty();
  }

  @Test
  void multicastLimitCapsTheRecipients() {
    network(t -> t.multicastLimit = 1);
    MulticastGroup g = new MulticastGroup(MAC.of(0x01, 0x00, 0x5e, 0x01, 0x02, 0x04), 0);
    b.subscribe(nwid, g);
    c.subscribe(nwid, g);
    net.runFor(1_000);
    byte[] mcast = TestFrames.ipv4(0, 17, ip(a), "239.1.2.4", TestFrames.udp(5000, 5000, 8));
    a.tapSend(nwid, mac(a), g.mac(), 0x0800, mcast);
    assertThat(net.runUntil(() -> b.tapFrames().size() + c.tapFrames().size() > 0, net.nowMillis() + 5_000)).isTrue();
    net.runFor(3_000);
    assertThat(b.tapFrames().size() + c.tapFrames().size()).isEqualTo(1);
  }

  @Test
  void teeSendsTheObserverACopy() {
    network(t -> t.rules = List.of(Rule.forward(RuleType.ACTION_TEE, false, false, c.address().toLong(), 0, 0),
        Rule.action(RuleType.ACTION_ACCEPT)));
    byte[] udp = TestFrames.ipv4(0, 17, ip(a), ip(b), TestFrames.udp(1, 2, 16));
    a.tapSend(nwid, mac(a), mac(b), 0x0800, udp);
    assertThat(net.runUntil(() -> !b.tapFrames().isEmpty() && !c.tapFrames().isEmpty(), net.nowMillis() + 5_000))
        .isTrue();
    assertThat(c.tapFrames().get(0).data()).isEqualTo(udp);
    assertThat(c.tapFrames().get(0).destination()).as("the copy keeps its addressing").isEqualTo(mac(b));
    assertThat(b.tapFrames().get(0).data()).isEqualTo(udp);
  }

  @Test
  void ndpIsAnsweredLocallyForManagedIpv6Addresses() {
    network(t -> {});
    String a6 = io.zt4j.node.vl2.ManagedAddresses.rfc4193(nwid, a.address().toLong()).toIpString();
    byte[] target = io.zt4j.node.vl2.ManagedAddresses.rfc4193(nwid, b.address().toLong()).ip();
    byte[] ns = new byte[24];
    ns[0] = (byte) 135;
    System.arraycopy(target, 0, ns, 8, 16);
    byte[] frame = TestFrames.ipv6(0, 58, a6, "ff02::1:ff8a:c629", ns);
    MAC solicited = MAC.of(0x33, 0x33, 0xff, target[13] & 0xff, target[14] & 0xff, target[15] & 0xff);
    a.tapSend(nwid, mac(a), solicited, 0x86dd, frame);
    assertThat(a.tapFrames()).as("answered at once, locally").hasSize(1);
    SimNode.TapFrame na = a.tapFrames().get(0);
    assertThat(na.source()).isEqualTo(mac(b));
    assertThat(na.etherType()).isEqualTo(0x86dd);
    assertThat(na.data()[40] & 0xff).as("neighbor advertisement").isEqualTo(136);
    assertThat(java.util.Arrays.copyOfRange(na.data(), 48, 64)).isEqualTo(target);
    assertThat(java.util.Arrays.copyOfRange(na.data(), 66, 72)).isEqualTo(mac(b).bytes());
    // The ICMPv6 checksum verifies (sum over pseudo-header and message is 0xffff).
    byte[] d = na.data();
    long sum = 0;
    for (int i = 8; i < 40; i += 2) {
      sum += ((d[i] & 0xff) << 8) | (d[i + 1] & 0xff);
    }
    sum += 32 + 58;
    for (int i = 40; i < 72; i += 2) {
      sum += ((d[i] & 0xff) << 8) | (d[i + 1] & 0xff);
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    assertThat(sum).isEqualTo(0xffff);
  }
}
