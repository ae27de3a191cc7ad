package io.zt4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.ip.StackStats.Counter;
import io.zt4j.stack.socket.Readiness;
import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.socket.icmp.PingReply;
import io.zt4j.stack.socket.icmp.PingSocket;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.testkit.link.Impairment;
import org.junit.jupiter.api.Test;

class PingTest {
  static final long MS = 1_000_000L;
  static final long SEC = 1_000_000_000L;

  static InterfaceConfig cfg(int n) {
    return InterfaceConfig.of(0x0200_0000_0000L + n).withAddress("10.1.0." + n + "/24").withAddress("fd01::" + n + "/64");
  }

  @Test
  void pingsOverIpv4AndIpv6WithArpAndNdp() {
    try (TestNet net = new TestNet(1).capture("PingTest.ipv4AndIpv6")) {
      TestNet.Host a = net.host(cfg(1));
      TestNet.Host b = net.host(cfg(2));
      b.port.impair(Impairment.NONE.withDelay(5 * MS));
      net.runFor(SEC); // let the gratuitous ARPs pass (an announcement would resolve instantly)
      assertThat(a.ifc.neighborCount()).isZero();
      for (String dst : new String[] {"10.1.0.2", "fd01::2"}) {
        PingSocket p = a.stack.ping(IpAddress.parse(dst), 56, 2 * SEC, net.now());
        assertThat(net.runUntil(() -> (p.readiness() & Readiness.READABLE) != 0, 3 * SEC)).isTrue();
        PingReply r = p.receive();
        assertThat(r.ok()).as(dst + " " + r).isTrue();
        assertThat(r.from()).isEqualTo(IpAddress.parse(dst));
        assertThat(r.dataLength()).isEqualTo(56);
        assertThat(r.hopLimit()).isEqualTo(64);
        // each crossing of b's port takes 5 ms: solicitation, answer, request, reply
        assertThat(r.rttNanos()).isEqualTo(20 * MS);
        p.close();
      }
      assertThat(a.ifc.neighborMac(IpAddress.parse("10.1.0.2"))).isEqualTo(0x020000000002L);
      assertThat(a.ifc.neighborMac(IpAddress.parse("fd01::2"))).isEqualTo(0x020000000002L);
      assertThat(b.ifc.neighborMac(IpAddress.parse("10.1.0.1"))).isEqualTo(0x020000000001L);
      assertThat(b.stack.stats().get(Counter.ICMP_IN)).isEqualTo(3); // two echo requests, one NS
      assertThat(b.stack.stats().get(Counter.NDP_IN)).isEqualTo(1);
      assertThat(a.stack.stats().get(Counter.ARP_OUT)).isEqualTo(2); // gratuitous + request
      // a second ping needs no resolution: RTT is just the link delay both ways
      PingSocket p = a.stack.ping(IpAddress.parse("10.1.0.2"), 8, SEC, net.now());
      net.runUntil(() -> p.outstanding() == 0, 2 * SEC);
      assertThat(p.receive().rttNanos()).isEqualTo(10 * MS);
    }
  }

  @Test
  void unresolvableNeighborReportsHostUnreachable() {
    try (TestNet net = new TestNet(2)) {
      TestNet.Host a = net.host(cfg(1));
      long t0 = net.now();
      PingSocket p = a.stack.ping(IpAddress.parse("10.1.0.9"), 8, 10 * SEC, t0);
      assertThat(net.runUntil(() -> p.outstanding() == 0, 10 * SEC)).isTrue();
      PingReply r = p.receive();
      assertThat(r.error()).isEqualTo(SocketError.HOST_UNREACHABLE);
      // three ARP requests one second apart (RFC 4861 MAX_MULTICAST_SOLICIT, RETRANS_TIMER)
      assertThat(net.now() - t0).isEqualTo(3 * SEC);
      assertThat(a.stack.stats().get(Counter.ARP_OUT)).isEqualTo(1 + 3);
      assertThat(a.stack.stats().get(Counter.DROP_NEIGHBOR_UNRESOLVED)).isEqualTo(1);
      PingSocket q = a.stack.ping(IpAddress.parse("fd01::9"), 8, 10 * SEC, net.now());
      assertThat(net.runUntil(() -> q.outstanding() == 0, 10 * SEC)).isTrue();
      assertThat(q.receive().error()).isEqualTo(SocketError.HOST_UNREACHABLE);
    }
  }

  @Test
  void timesOutWhenRepliesAreLost() {
    try (TestNet net = new TestNet(3)) {
      TestNet.Host a = net.host(cfg(1));
      TestNet.Host b = net.host(cfg(2));
      PingSocket p = a.stack.ping(IpAddress.parse("10.1.0.2"), 8, SEC, net.now());
      net.runUntil(() -> p.outstanding() == 0, 2 * SEC);
      assertThat(p.receive().ok()).isTrue();
      b.port.impairUp(Impairment.NONE.withLoss(1.0));
      long t0 = net.now();
      assertThat(p.send(IpAddress.parse("10.1.0.2"), 8, 500 * MS, t0)).isEqualTo(1);
      net.runUntil(() -> p.outstanding() == 0, 2 * SEC);
      PingReply r = p.receive();
      assertThat(r.error()).isEqualTo(SocketError.TIMED_OUT);
      assertThat(r.sequence()).isEqualTo(1);
      assertThat(net.now() - t0).isEqualTo(500 * MS);
    }
  }

  @Test
  void pingToOwnAddressLoopsBack() {
    try (TestNet net = new TestNet(4)) {
      TestNet.Host a = net.host(cfg(1));
      long sent = a.framesSent;
      PingSocket p = a.stack.ping(IpAddress.parse("fd01::1"), 100, SEC, net.now());
      assertThat(net.runUntil(() -> p.outstanding() == 0, SEC)).isTrue();
      assertThat(p.receive().ok()).isTrue();
      assertThat(a.framesSent).isEqualTo(sent);
      assertThat(a.stack.stats().get(Counter.LOOPBACK)).isEqualTo(2);
    }
  }

  /** A driver that hands one call a fresher clock reading than the next must not see negative RTTs. */
  @Test
  void timeNeverRunsBackwardsInsideTheStack() {
    try (TestNet net = new TestNet(5)) {
      TestNet.Host a = net.host(cfg(1));
      net.host(cfg(2));
      net.runFor(SEC);
      PingSocket warm = a.stack.ping(IpAddress.parse("10.1.0.2"), 8, SEC, net.now());
      net.runUntil(() -> warm.outstanding() == 0, SEC);
      PingSocket p = a.stack.ping(IpAddress.parse("10.1.0.2"), 8, SEC, net.now() + 5 * MS);
      net.runUntil(() -> p.outstanding() == 0, SEC);
      PingReply r = p.receive();
      assertThat(r.ok()).isTrue();
      assertThat(r.rttNanos()).isZero(); // the reply came back "before" it was sent: clamped
    }
  }
}
