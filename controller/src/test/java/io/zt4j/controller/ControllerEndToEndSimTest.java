package io.zt4j.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.controller.model.RecordJson;
import io.zt4j.controller.store.MemoryStore;
import io.zt4j.node.sim.SimNode;
import io.zt4j.node.sim.TestIdentities;
import io.zt4j.node.sim.TestWorlds;
import io.zt4j.node.sim.TestWorlds.RootSpec;
import io.zt4j.node.vl2.NetworkStatus;
import io.zt4j.node.vl2.TestFrames;
import io.zt4j.node.vl2.VirtualNetworkConfig;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.simnet.SimNetwork;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The controller module's {@link ConfigIssuer} serving Java nodes over the simulated network
 * through {@link ControllerHook} (in virtual time, with a relay root): a private network created over the records API, members
 * denied, authorized (configs pushed, IPs from the pool), talking, deauthorized (revocation cuts
 * traffic).
 */
class ControllerEndToEndSimTest {
  final SimNetwork net = new SimNetwork(31);
  final World planet = TestWorlds.planet(0xabcdef03L, 1_000L, TestIdentities.get(0),
      new RootSpec(TestIdentities.get(1), "1.0.0.1/9993"));
  final SimNode root = node("root", "1.0.0.1", 1);
  final SimNode ctlNode = node("ctl", "1.0.0.2", 2);
  final SimNode a = node("a", "2.0.0.2", 3);
  final SimNode b = node("b", "3.0.0.3", 4);
  final SimNode c = node("c", "4.0.0.4", 5);
  NetworkController records;
  ConfigIssuer issuer;
  ControllerHook hook;

  SimNode node(String name, String ip, int id) {
    return new SimNode(net, name, net.internet().addHost(name, ip), 9993, TestIdentities.get(id), planet, id);
  }

  /** The production glue: {@link ControllerHook} on the controller node's thread. */
  void attachController() {
    records = new NetworkController(ctlNode.address().toLong(), new MemoryStore(), ctlNode::now, new Random(1));
    issuer = new ConfigIssuer(records, TestIdentities.get(2));
    hook = new ControllerHook(issuer, ctlNode.node().vl2(), ctlNode::now);
    ctlNode.node().vl2().localController(hook);
  }

  /** Runs a records change, then sends what it queued. */
  void change(ThrowingRunnable r) {
    ctlNode.command(() -> {
      try {
        r.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      hook.flush();
    });
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  static boolean status(SimNode n, long nwid, NetworkStatus s) {
    VirtualNetworkConfig c = n.network(nwid);
    return c != null && c.status() == s;
  }

  @Test
  void javaControllerServesJavaMembers() throws Exception {
    for (SimNode n : List.of(root, ctlNode, a, b)) {
      n.start();
    }
    assertThat(net.runUntil(() -> a.online() && b.online() && ctlNode.online(), 30_000)).isTrue();
    attachController();
    long nwid = (ctlNode.address().toLong() << 24) | 0xa1b2c3L;
    change(() -> records.updateNetwork(nwid, RecordJson.MAPPER.readTree("""
        {"name": "e2e", "private": true, "enableBroadcast": true, "mtu": 2800, "multicastLimit": 32,
         "v4AssignMode": {"zt": true}, "v6AssignMode": {"zt": false, "rfc4193": true, "6plane": false},
         "ipAssignmentPools": [{"ipRangeStart": "10.147.17.1", "ipRangeEnd": "10.147.17.254"}],
         "routes": [{"target": "10.147.17.0/24", "via": null}],
         "rules": [{"type": "MATCH_ETHERTYPE", "not": true, "or": false, "etherType": 2048},
                   {"type": "MATCH_ETHERTYPE", "not": true, "or": false, "etherType": 2054},
                   {"type": "MATCH_ETHERTYPE", "not": true, "or": false, "etherType": 34525},
                   {"type": "ACTION_DROP"}, {"type": "ACTION_ACCEPT"}]}""")));

    a.join(nwid);
    b.join(nwid);
    assertThat(net.runUntil(() -> status(a, nwid, NetworkStatus.ACCESS_DENIED)
        && status(b, nwid, NetworkStatus.ACCESS_DENIED), net.nowMillis() + 10_000)).isTrue();

    long t0 = net.nowMillis();
    change(() -> records.updateMember(nwid, a.address().toLong(), RecordJson.MAPPER.readTree("{\"authorized\":true}")));
    change(() -> records.updateMember(nwid, b.address().toLong(), RecordJson.MAPPER.readTree("{\"authorized\":true}")));
    assertThat(net.runUntil(() -> status(a, nwid, NetworkStatus.OK) && status(b, nwid, NetworkStatus.OK),
        net.nowMillis() + 10_000)).isTrue();
    assertThat(net.nowMillis() - t0).as("authorization to OK (config pushed), ms").isLessThan(1_000);
    VirtualNetworkConfig ca = a.network(nwid);
    VirtualNetworkConfig cb = b.network(nwid);
    assertThat(ca.name()).isEqualTo("e2e");
    assertThat(ca.ipv4Addresses()).hasSize(1);
    assertThat(cb.ipv4Addresses()).hasSize(1);
    InetAddress aIp = ca.ipv4Addresses().get(0);
    InetAddress bIp = cb.ipv4Addresses().get(0);
    assertThat(aIp).isNotEqualTo(bIp);
    assertThat(aIp.toIpString()).startsWith("10.147.17.");
    assertThat(aIp.port()).isEqualTo(24);
    assertThat(ca.ipv6Addresses()).hasSize(1);

    // ARP through ZeroTier multicast, then IPv4 both ways.
    MAC aMac = ca.mac();
    MAC bMac = cb.mac();
    a.tapSend(nwid, aMac, MAC.BROADCAST, 0x0806, TestFrames.arp(1, aMac.bytes(), aIp.toIpString(), bIp.toIpString()));
    assertThat(net.runUntil(() -> b.tapFrames().stream().anyMatch(f -> f.etherType() == 0x0806),
        net.nowMillis() + 5_000)).isTrue();
    byte[] ping = TestFrames.ipv4(0, 1, aIp.toIpString(), bIp.toIpString(), TestFrames.icmp(8, 0));
    byte[] pong = TestFrames.ipv4(0, 1, bIp.toIpString(), aIp.toIpString(), TestFrames.icmp(0, 0));
    a.tapSend(nwid, aMac, bMac, 0x0800, ping);
    b.tapSend(nwid, bMac, aMac, 0x0800, pong);
    assertThat(net.runUntil(() -> b.tapFrames().stream().anyMatch(f -> f.etherType() == 0x0800)
        && a.tapFrames().stream().anyMatch(f -> f.etherType() == 0x0800), net.nowMillis() + 5_000)).isTrue();
    // The network's rules drop anything but IPv4, ARP and IPv6.
    int bBefore = b.tapFrames().size();
    a.tapSend(nwid, aMac, bMac, 0x88cc, new byte[46]);
    net.runFor(1_000);
    assertThat(b.tapFrames()).hasSize(bBefore);

    // Deauthorize b: the controller revokes its COM at a, and b's frames no longer get in.
    change(() -> records.updateMember(nwid, b.address().toLong(), RecordJson.MAPPER.readTree("{\"authorized\":false}")));
    net.runFor(2_000);
    int aBefore = a.tapFrames().size();
    b.tapSend(nwid, bMac, aMac, 0x0800, pong);
    net.runFor(3_000);
    assertThat(a.tapFrames()).hasSize(aBefore);
    // And b is denied at its next config refresh.
    assertThat(net.runUntil(() -> status(b, nwid, NetworkStatus.ACCESS_DENIED), net.nowMillis() + 90_000)).isTrue();
  }

  /**
   * Tags and capabilities issued by our controller, enforced by the members: the base rules let
   * ARP through and frames from members whose tag 1 is 10, and nothing else matches (so, as in
   * ZeroTier, the sender's capabilities are tried, and without one the frame is dropped); member b (tag 1 = the network's
   * default 0) holds capability 5, which lets UDP through. So a reaches b with anything, b reaches
   * a with UDP only (sent under its capability, accepted by a because b's capability came with
   * its credentials), and b's ICMP never leaves b.
   */
  @Test
  void controllerIssuedTagsAndCapabilitiesAreEnforced() throws Exception {
    for (SimNode n : List.of(root, ctlNode, a, b)) {
      n.start();
    }
    assertThat(net.runUntil(() -> a.online() && b.online() && ctlNode.online(), 30_000)).isTrue();
    attachController();
    long nwid = (ctlNode.address().toLong() << 24) | 0x0000c4L;
    change(() -> records.updateNetwork(nwid, RecordJson.MAPPER.readTree("""
        {"name": "caps", "private": true,
         "v4AssignMode": {"zt": true},
         "ipAssignmentPools": [{"ipRangeStart": "10.147.18.1", "ipRangeEnd": "10.147.18.254"}],
         "routes": [{"target": "10.147.18.0/24", "via": null}],
         "rules": [{"type": "MATCH_ETHERTYPE", "not": false, "or": false, "etherType": 2054},
                   {"type": "ACTION_ACCEPT"},
                   {"type": "MATCH_TAG_SENDER", "not": false, "or": false, "id": 1, "value": 10},
                   {"type": "ACTION_ACCEPT"}],
         "capabilities": [{"id": 5, "rules": [
                   {"type": "MATCH_IP_PROTOCOL", "not": false, "or": false, "ipProtocol": 17},
                   {"type": "ACTION_ACCEPT"}]}],
         "tags": [{"id": 1, "default": 0}]}""")));
    change(() -> records.updateMember(nwid, a.address().toLong(),
        RecordJson.MAPPER.readTree("{\"authorized\":true,\"tags\":[[1,10]]}")));
    change(() -> records.updateMember(nwid, b.address().toLong(),
        RecordJson.MAPPER.readTree("{\"authorized\":true,\"capabilities\":[5]}")));
    a.join(nwid);
    b.join(nwid);
    assertThat(net.runUntil(() -> status(a, nwid, NetworkStatus.OK) && status(b, nwid, NetworkStatus.OK),
        net.nowMillis() + 10_000)).isTrue();
    assertThat(records.member(nwid, b.address().toLong()).orElseThrow().tags())
        .as("the default tag value is written to the member").containsExactly(new io.zt4j.controller.model.MemberTag(1, 0));

    VirtualNetworkConfig ca = a.network(nwid);
    VirtualNetworkConfig cb = b.network(nwid);
    String aIp = ca.ipv4Addresses().get(0).toIpString();
    String bIp = cb.ipv4Addresses().get(0).toIpString();
    MAC aMac = ca.mac();
    MAC bMac = cb.mac();
    a.tapSend(nwid, aMac, MAC.BROADCAST, 0x0806, TestFrames.arp(1, aMac.bytes(), aIp, bIp));
    assertThat(net.runUntil(() -> b.tapFrames().stream().anyMatch(f -> f.etherType() == 0x0806),
        net.nowMillis() + 5_000)).as("ARP accepted by the base rules").isTrue();

    // a (tag 1 = 10) reaches b with ICMP.
    a.tapSend(nwid, aMac, bMac, 0x0800, TestFrames.ipv4(0, 1, aIp, bIp, TestFrames.icmp(8, 0)));
    assertThat(net.runUntil(() -> b.tapFrames().stream().anyMatch(f -> f.etherType() == 0x0800),
        net.nowMillis() + 5_000)).as("a's ICMP at b (tag rule)").isTrue();

    // b (tag 1 = 0): ICMP is dropped, UDP goes under capability 5.
    b.tapSend(nwid, bMac, aMac, 0x0800, TestFrames.ipv4(0, 1, bIp, aIp, TestFrames.icmp(0, 0)));
    net.runFor(2_000);
    assertThat(a.tapFrames()).as("b's ICMP dropped").noneMatch(f -> f.etherType() == 0x0800);
    b.tapSend(nwid, bMac, aMac, 0x0800, TestFrames.ipv4(0, 17, bIp, aIp, TestFrames.udp(5000, 53, 8)));
    assertThat(net.runUntil(() -> a.tapFrames().stream().anyMatch(f -> f.etherType() == 0x0800 && f.data()[9] == 17),
        net.nowMillis() + 5_000)).as("b's UDP at a (capability)").isTrue();
    assertThat(a.tapFrames()).as("still no ICMP from b").noneMatch(f -> f.etherType() == 0x0800 && f.data()[9] == 1);

    // Take the capability away: b's next config (pushed at once) has none, and UDP stops too.
    change(() -> records.updateMember(nwid, b.address().toLong(), RecordJson.MAPPER.readTree("{\"capabilities\":[]}")));
    assertThat(net.runUntil(() -> b.node().vl2().network(nwid)
        .flatMap(n -> n.config()).map(c -> c.capabilities().isEmpty()).orElse(false), net.nowMillis() + 5_000)).isTrue();
    long udpBefore = a.tapFrames().stream().filter(f -> f.etherType() == 0x0800).count();
    b.tapSend(nwid, bMac, aMac, 0x0800, TestFrames.ipv4(0, 17, bIp, aIp, TestFrames.udp(5000, 53, 8)));
    net.runFor(2_000);
    assertThat(a.tapFrames().stream().filter(f -> f.etherType() == 0x0800).count()).isEqualTo(udpBefore);
  }

  /**
   * A config larger than one chunk (1,000 rules, 128 routes) travels from our controller in
   * several signed chunks and arrives whole, both on request and when pushed.
   */
  @Test
  void largeConfigsFromOurControllerArriveInSeveralChunks() throws Exception {
    for (SimNode n : List.of(root, ctlNode, a)) {
      n.start();
    }
    assertThat(net.runUntil(() -> a.online() && ctlNode.online(), 30_000)).isTrue();
    attachController();
    long nwid = (ctlNode.address().toLong() << 24) | 0x00b16bL;
    StringBuilder rules = new StringBuilder("[");
    for (int i = 0; i < 999; i++) {
      rules.append("{\"type\":\"MATCH_IPV6_SOURCE\",\"not\":true,\"or\":false,\"ip\":\"fd00:")
          .append(Integer.toHexString(i)).append("::1/128\"},");
    }
    rules.append("{\"type\":\"ACTION_ACCEPT\"}]");
    StringBuilder routes = new StringBuilder("[");
    for (int i = 0; i < 128; i++) {
      routes.append(i == 0 ? "" : ",").append("{\"target\":\"fd01:").append(Integer.toHexString(i)).append("::/64\",\"via\":null}");
    }
    routes.append("]");
    change(() -> records.updateNetwork(nwid, RecordJson.MAPPER.readTree(
        "{\"name\":\"big\",\"private\":false,\"rules\":" + rules + ",\"routes\":" + routes + "}")));
    a.join(nwid);
    assertThat(net.runUntil(() -> status(a, nwid, NetworkStatus.OK), net.nowMillis() + 10_000)).isTrue();
    io.zt4j.node.vl2.NetworkConfig got = a.node().vl2().network(nwid).flatMap(n -> n.config()).orElseThrow();
    assertThat(got.toDictionary().serialize().length).as("config bytes")
        .isGreaterThan(2 * io.zt4j.node.vl2.NetworkConfigChunk.MAX_CHUNK);
    assertThat(got.rules()).hasSize(1000).isEqualTo(records.network(nwid).orElseThrow().rules());
    assertThat(got.routes()).hasSize(128);

    // Pushed the same way when the network changes.
    change(() -> records.updateNetwork(nwid, RecordJson.MAPPER.readTree("{\"name\":\"bigger\"}")));
    assertThat(net.runUntil(() -> "bigger".equals(a.network(nwid).name()), net.nowMillis() + 5_000)).isTrue();
    assertThat(a.node().vl2().network(nwid).flatMap(n -> n.config()).orElseThrow().rules()).hasSize(1000);
  }

  /**
   * Multicast and broadcast on a network of our controller: a group reaches exactly its
   * subscribers, broadcast everyone; the network's multicast limit and broadcast switch, changed
   * in the records, are pushed and take effect.
   */
  @Test
  void multicastAndBroadcastFollowTheControllersSettings() throws Exception {
    for (SimNode n : List.of(root, ctlNode, a, b, c)) {
      n.start();
    }
    assertThat(net.runUntil(() -> a.online() && b.online() && c.online() && ctlNode.online(), 30_000)).isTrue();
    attachController();
    long nwid = (ctlNode.address().toLong() << 24) | 0x00ca57L;
    change(() -> records.updateNetwork(nwid, RecordJson.MAPPER.readTree("""
        {"name": "mc", "private": true, "enableBroadcast": true, "multicastLimit": 32,
         "v4AssignMode": {"zt": true},
         "ipAssignmentPools": [{"ipRangeStart": "10.147.19.1", "ipRangeEnd": "10.147.19.254"}],
         "routes": [{"target": "10.147.19.0/24", "via": null}]}""")));
    for (SimNode n : List.of(a, b, c)) {
      change(() -> records.updateMember(nwid, n.address().toLong(), RecordJson.MAPPER.readTree("{\"authorized\":true}")));
      n.join(nwid);
    }
    assertThat(net.runUntil(() -> List.of(a, b, c).stream().allMatch(n -> status(n, nwid, NetworkStatus.OK)),
        net.nowMillis() + 10_000)).isTrue();
    MAC aMac = a.network(nwid).mac();
    String aIp = a.network(nwid).ipv4Addresses().get(0).toIpString();

    io.zt4j.node.wire.MulticastGroup g = new io.zt4j.node.wire.MulticastGroup(MAC.of(0x01, 0x00, 0x5e, 0x01, 0x02, 0x03), 0);
    c.subscribe(nwid, g);
    net.runFor(1_000);
    byte[] mcast = TestFrames.ipv4(0, 17, aIp, "239.1.2.3", TestFrames.udp(5000, 5000, 8));
    a.tapSend(nwid, aMac, g.mac(), 0x0800, mcast);
    assertThat(net.runUntil(() -> !c.tapFrames().isEmpty(), net.nowMillis() + 5_000)).isTrue();
    net.runFor(2_000);
    assertThat(c.tapFrames()).extracting(SimNode.TapFrame::data).containsExactly(mcast);
    assertThat(b.tapFrames()).as("b is not subscribed").isEmpty();

    byte[] bcast = TestFrames.ipv4(0, 17, aIp, "10.147.19.255", TestFrames.udp(137, 137, 8));
    a.tapSend(nwid, aMac, MAC.BROADCAST, 0x0800, bcast);
    assertThat(net.runUntil(() -> b.tapFrames().size() == 1 && c.tapFrames().size() == 2,
        net.nowMillis() + 5_000)).isTrue();

    // Multicast limit 1: of two subscribers, one gets the frame.
    b.subscribe(nwid, g);
    change(() -> records.updateNetwork(nwid, RecordJson.MAPPER.readTree("{\"multicastLimit\":1}")));
    assertThat(net.runUntil(() -> a.node().vl2().network(nwid).flatMap(n -> n.config())
        .map(cfg -> cfg.multicastLimit() == 1).orElse(false), net.nowMillis() + 5_000)).as("limit pushed").isTrue();
    net.runFor(1_000);
    int before = b.tapFrames().size() + c.tapFrames().size();
    a.tapSend(nwid, aMac, g.mac(), 0x0800, mcast);
    net.runFor(3_000);
    assertThat(b.tapFrames().size() + c.tapFrames().size() - before).isEqualTo(1);

    // Broadcast switched off: pushed, and a's broadcasts go nowhere.
    change(() -> records.updateNetwork(nwid, RecordJson.MAPPER.readTree("{\"enableBroadcast\":false}")));
    assertThat(net.runUntil(() -> !a.network(nwid).broadcastEnabled(), net.nowMillis() + 5_000)).isTrue();
    int bBefore = b.tapFrames().size();
    int cBefore = c.tapFrames().size();
    a.tapSend(nwid, aMac, MAC.BROADCAST, 0x0800, bcast);
    net.runFor(3_000);
    assertThat(b.tapFrames()).hasSize(bBefore);
    assertThat(c.tapFrames()).hasSize(cBefore);
  }
}
