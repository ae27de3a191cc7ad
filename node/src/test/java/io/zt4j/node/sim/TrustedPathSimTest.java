package io.zt4j.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.NodeConfig;
import io.zt4j.node.TrustedPath;
import io.zt4j.node.vl1.Vl1Counters;
import io.zt4j.node.wire.CipherSuite;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.testkit.simnet.Datagram;
import io.zt4j.testkit.simnet.SimNetwork;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Trusted paths (cipher suite 2): between two nodes that both configure the network they share
 * with the same id, packets go without crypto carrying the id and are accepted; a node whose id
 * differs, or a sender outside the configured network, gets its suite-2 packets dropped and
 * counted; packets to anyone else stay encrypted.
 */
class TrustedPathSimTest {
  static final long ID = 0x1122334455667788L;
  final SimPlanet sim = new SimPlanet(41, 0xabcdef05L);
  final SimNetwork net = sim.net;
  final List<Datagram> wire = new ArrayList<>();

  SimNode node(String name, String ip, int id, Consumer<NodeConfig.Builder> cfg) {
    return sim.node(name, ip, id, cfg);
  }

  static Consumer<NodeConfig.Builder> trust(String network, long id) {
    return b -> b.trustedPath(TrustedPath.parse(network + "=" + Long.toUnsignedString(id)).orElseThrow());
  }

  static int suite(Datagram d) {
    return d.payload().length >= 28 ? (d.payload()[18] >> 3) & 7 : -1; // fragments (< 28 or marked) aside
  }

  static boolean between(Datagram d, String x, String y) {
    String s = d.source().getAddress().getHostAddress();
    String t = d.destination().getAddress().getHostAddress();
    return (s.equals(x) && t.equals(y)) || (s.equals(y) && t.equals(x));
  }

  void record() {
    net.addDropRule(d -> {
      wire.add(d);
      return false;
    });
  }

  @Test
  void trustedNeighboursTalkInTheClearWithTheirId() {
    SimNode root = node("root", "1.0.0.1", 1, b -> { });
    SimNode a = node("a", "10.5.0.2", 2, trust("10.5.0.0/16", ID));
    SimNode b = node("b", "10.5.0.3", 3, trust("10.5.0.0/16", ID));
    record();
    root.start();
    a.start();
    b.start();
    assertThat(net.runUntil(() -> a.online() && b.online(), 30_000)).isTrue();
    long until = net.nowMillis() + 30_000;
    while (net.nowMillis() < until && !(a.direct(b.address()) && b.direct(a.address()))) {
      a.send(b, 7, "over the backplane");
      b.send(a, 7, "and back");
      net.runFor(1_000);
    }
    assertThat(a.direct(b.address()) && b.direct(a.address())).isTrue();
    int before = b.userMessages().size();
    a.send(b, 9, "direct and trusted");
    net.runFor(1_000);
    assertThat(b.userMessages().subList(before, b.userMessages().size()))
        .anyMatch(m -> new String(m.data()).equals("direct and trusted"));

    List<Datagram> direct = wire.stream().filter(d -> between(d, "10.5.0.2", "10.5.0.3") && suite(d) >= 0).toList();
    List<Datagram> trusted = direct.stream().filter(d -> suite(d) == CipherSuite.TRUSTED_PATH.code).toList();
    assertThat(trusted).isNotEmpty();
    assertThat(trusted).allMatch(d -> ByteBuffer.wrap(d.payload()).getLong(19) == ID);
    // HELLO (suite 0) and direct replies stay armoured, as in ZeroTier; what goes through path
    // selection, the user messages among it, is suite 2 and readable on the wire.
    assertThat(trusted).anyMatch(d -> new String(d.payload()).contains("direct and trusted"));
    // the root is not on the trusted network: everything to and from it is encrypted
    assertThat(wire.stream().filter(d -> d.source().getAddress().getHostAddress().equals("1.0.0.1")
        || d.destination().getAddress().getHostAddress().equals("1.0.0.1")))
        .noneMatch(d -> suite(d) == CipherSuite.TRUSTED_PATH.code);
    assertThat(b.node().counters().drops(Vl1Counters.Drop.UNTRUSTED_PATH)).isZero();
    assertThat(b.node().counters().drops(Vl1Counters.Drop.AUTHENTICATION_FAILED)).isZero();
  }

  @Test
  void aDifferentIdOrASenderOutsideTheTrustedNetworkIsDropped() {
    SimNode root = node("root", "1.0.0.1", 1, b -> { });
    SimNode a = node("a", "10.5.0.2", 2, trust("10.5.0.0/16", ID));
    SimNode b = node("b", "10.5.0.3", 3, trust("10.5.0.0/16", ID + 1)); // same network, other id
    SimNode c = node("c", "10.7.0.4", 4, trust("10.5.0.0/16", ID)); // right id, but c is outside a's 10.5/16
    root.start();
    a.start();
    b.start();
    c.start();
    assertThat(net.runUntil(() -> a.online() && b.online() && c.online(), 30_000)).isTrue();
    record();
    for (int i = 0; i < 20; i++) {
      a.send(b, 7, "a to b");
      b.send(a, 7, "b to a");
      c.send(a, 7, "c to a");
      net.runFor(1_000);
    }
    // a and b each send suite 2 with their own id once direct; the other drops it
    assertThat(wire).anyMatch(d -> between(d, "10.5.0.2", "10.5.0.3") && suite(d) == CipherSuite.TRUSTED_PATH.code);
    assertThat(b.node().counters().drops(Vl1Counters.Drop.UNTRUSTED_PATH)).isPositive();
    // c's suite-2 packets to a carry the right id but come from outside a's trusted network
    assertThat(wire).anyMatch(d -> d.source().getAddress().getHostAddress().equals("10.7.0.4")
        && d.destination().getAddress().getHostAddress().equals("10.5.0.2") && suite(d) == CipherSuite.TRUSTED_PATH.code);
    long aDropped = a.node().counters().drops(Vl1Counters.Drop.UNTRUSTED_PATH);
    assertThat(aDropped).isPositive();
    // a never sends suite 2 to c (10.7.0.4 is not in a's trusted network)
    assertThat(wire).noneMatch(d -> d.source().getAddress().getHostAddress().equals("10.5.0.2")
        && d.destination().getAddress().getHostAddress().equals("10.7.0.4") && suite(d) == CipherSuite.TRUSTED_PATH.code);
    assertThat(a.node().counters().drops(Vl1Counters.Drop.AUTHENTICATION_FAILED)).isZero();
    assertThat(c.node().counters().drops(Vl1Counters.Drop.UNTRUSTED_PATH)).isZero();
  }

  @Test
  void parseAndContain() {
    TrustedPath v4 = TrustedPath.parse("10.5.0.0/16=0x10").orElseThrow();
    assertThat(v4.id()).isEqualTo(16);
    assertThat(v4.contains(InetAddress.fromString("10.5.200.1/9993").orElseThrow())).isTrue();
    assertThat(v4.contains(InetAddress.fromString("10.4.0.1/9993").orElseThrow())).isFalse();
    assertThat(v4.contains(InetAddress.fromString("fd00::1/9993").orElseThrow())).isFalse();
    TrustedPath v6 = TrustedPath.parse("fd00:1200::/23=42").orElseThrow();
    assertThat(v6.contains(InetAddress.fromString("fd00:13ff::1/1").orElseThrow())).isTrue();
    assertThat(v6.contains(InetAddress.fromString("fd00:1400::1/1").orElseThrow())).isFalse();
    assertThat(TrustedPath.parse("10.5.0.0/16")).isEmpty();
    assertThat(TrustedPath.parse("10.5.0.0/16=0")).isEmpty();
    assertThat(TrustedPath.parse("10.5.0.0/0=1")).isEmpty();
    assertThat(TrustedPath.parse("10.5.0.0/33=1")).isEmpty();
    assertThat(TrustedPath.parse("nonsense/8=1")).isEmpty();
    assertThat(TrustedPath.parse("10.0.0.0/8=0xzz")).isEmpty();
  }
}
