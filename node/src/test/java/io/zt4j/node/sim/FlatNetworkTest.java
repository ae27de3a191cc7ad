package io.zt4j.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.NodeEvent;
import io.zt4j.node.vl1.Vl1Counters;
import io.zt4j.testkit.simnet.SimNetwork;
import org.junit.jupiter.api.Test;

/** Root and two leaves with public addresses: online, WHOIS, relay, RENDEZVOUS, direct. */
class FlatNetworkTest {
  @Test
  void leavesGoOnlineRelayThenGoDirect() {
    SimPlanet p = new SimPlanet(7, 0xabcdef01L);
    SimNetwork net = p.net;
    SimNode root = p.root();
    SimNode a = p.node("a", "2.0.0.2", 2);
    SimNode b = p.node("b", "3.0.0.3", 3);
    root.start();
    a.start();
    b.start();

    assertThat(net.runUntil(() -> a.online() && b.online(), 30_000)).isTrue();
    assertThat(root.online()).isTrue();
    assertThat(root.node().status().root()).isTrue();
    long onlineAt = net.nowMillis();

    a.send(b, 42, "hello b");
    assertThat(net.runUntil(() -> !b.userMessages().isEmpty(), net.nowMillis() + 5_000)).isTrue();
    NodeEvent.UserMessage m = b.userMessages().get(0);
    assertThat(m.origin()).isEqualTo(a.address());
    assertThat(m.typeId()).isEqualTo(42);
    assertThat(new String(m.data())).isEqualTo("hello b");
    assertThat(root.node().counters().relayed()).isPositive();

    // The root introduced them; keep talking and they go direct.
    long until = net.nowMillis() + 30_000;
    while (net.nowMillis() < until && !(a.direct(b.address()) && b.direct(a.address()))) {
      a.send(b, 1, "ping");
      b.send(a, 1, "pong");
      net.runFor(1_000);
    }
    assertThat(a.direct(b.address())).isTrue();
    assertThat(b.direct(a.address())).isTrue();
    assertThat(a.peer(b.address()).orElseThrow().paths().get(0).address().toString()).isEqualTo("3.0.0.3/9993");
    assertThat(onlineAt).isLessThan(100);
    Vl1Counters.Snapshot ca = a.node().counters();
    assertThat(ca.drops(Vl1Counters.Drop.AUTHENTICATION_FAILED)).isZero();
    assertThat(ca.drops(Vl1Counters.Drop.MALFORMED)).isZero();
  }

  /**
   * A message sent the moment a node starts (before its root has answered) needs a WHOIS that can
   * only go out once the root is reachable: it leaves as soon as the node is online, not at the
   * next 500 ms queue check.
   */
  @Test
  void whatIsSentBeforeTheRootAnswersLeavesWhenTheNodeGoesOnline() {
    SimPlanet p = new SimPlanet(8, 0xabcdef01L);
    SimNetwork net = p.net;
    SimNode root = p.root();
    SimNode a = p.node("a", "2.0.0.2", 2);
    SimNode b = p.node("b", "3.0.0.3", 3);
    root.start();
    b.start();
    assertThat(net.runUntil(b::online, 30_000)).isTrue();
    long t0 = net.nowMillis();
    a.start();
    a.send(b, 42, "right away");
    assertThat(net.runUntil(() -> !b.userMessages().isEmpty(), t0 + 5_000)).isTrue();
    assertThat(a.online()).isTrue();
    assertThat(net.nowMillis() - t0).as("ms from start to delivery").isLessThan(400);
  }
}
