package io.zt4j.stack.socket.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.TestNet;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.socket.Readiness;
import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.socket.StackSocket;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.testkit.link.Impairment;
import org.junit.jupiter.api.Test;

/**
 * TCP through the whole stack (IP dispatch, ARP/NDP, Ethernet) on the test kit's simulated
 * switch, IPv4 and IPv6, with loss, duplication, reordering and delay injected by the switch.
 */
class TcpOverStackTest {
  static final long MS = 1_000_000L;
  static final long SEC = 1_000_000_000L;

  static InterfaceConfig cfg(int n) {
    return InterfaceConfig.of(0x0200_0000_0000L + n).withAddress("10.1.0." + n + "/24").withAddress("fd01::" + n + "/64");
  }

  @Test
  void bidirectionalTransfersOverAnImpairedSwitch() throws Exception {
    for (String dst : new String[] {"10.1.0.2", "fd01::2"}) {
      try (TestNet net = new TestNet(dst.length()).capture("TcpOverStackTest." + (dst.contains(":") ? "v6" : "v4"))) {
        TestNet.Host a = net.host(cfg(1));
        TestNet.Host b = net.host(cfg(2));
        Impairment imp = Impairment.NONE.withDelay(2 * MS).withLoss(0.03).withDuplicate(0.01).withReorder(0.05, 3 * MS);
        b.port.impair(imp);
        TcpListener l = b.stack.tcp().listen(0, 0, 8080, 8);
        IpAddress d = IpAddress.parse(dst);
        TcpSocket c = a.stack.tcp().connect(d.hi(), d.lo(), 8080, net.now());
        assertThat(c.state()).isEqualTo(TcpState.SYN_SENT);
        TcpSocket[] s = new TcpSocket[1];
        TcpLossyLinkPropertyTest.Pump ab = new TcpLossyLinkPropertyTest.Pump(1, 2_000_000);
        TcpLossyLinkPropertyTest.Pump ba = new TcpLossyLinkPropertyTest.Pump(2, 1_000_000);
        boolean done = net.runUntil(() -> {
          long now = net.now();
          if (s[0] == null) {
            s[0] = l.accept();
          }
          ab.pump(c, s[0], now);
          if (s[0] != null) {
            ba.pump(s[0], c, now);
          }
          return s[0] != null && ab.done() && ba.done();
        }, 300 * SEC);
        assertThat(done).as("transfers finished").isTrue();
        assertThat(ab.rd.digest()).isEqualTo(ab.sd.digest());
        assertThat(ba.rd.digest()).isEqualTo(ba.sd.digest());
        assertThat(c.mss()).isEqualTo((dst.contains(":") ? 2800 - 60 : 2800 - 40) - 12); // ZeroTier MTU
        c.close(net.now());
        s[0].close(net.now());
        net.runFor(120 * SEC);
        assertThat(c.state()).isEqualTo(TcpState.CLOSED);
        assertThat(s[0].state()).isEqualTo(TcpState.CLOSED);
        assertThat(a.stack.tcp().connectionCount()).isZero();
        assertThat(b.stack.tcp().connectionCount()).isZero();
      }
    }
  }

  @Test
  void refusedResetAndReadinessThroughTheStackQueue() {
    try (TestNet net = new TestNet(7)) {
      TestNet.Host a = net.host(cfg(1));
      TestNet.Host b = net.host(cfg(2));
      IpAddress d = IpAddress.parse("10.1.0.2");
      TcpSocket c = a.stack.tcp().connect(d.hi(), d.lo(), 9, net.now());
      net.runFor(SEC);
      a.drain();
      assertThat(c.state()).isEqualTo(TcpState.CLOSED);
      assertThat(c.error()).isEqualTo(TcpError.REFUSED);
      assertThat(a.ready).contains((StackSocket) c);
      assertThat(c.readiness() & Readiness.ERROR).isNotZero();
      assertThat(c.takeError()).isEqualTo(SocketError.CONNECTION_REFUSED);

      TcpListener l = b.stack.tcp().listen(0, 0, 80, 4);
      TcpSocket c2 = a.stack.tcp().connect(d.hi(), d.lo(), 80, net.now());
      net.runFor(SEC);
      b.drain();
      assertThat(b.ready).contains((StackSocket) l);
      TcpSocket s = l.accept();
      s.abort(net.now());
      net.runFor(SEC);
      assertThat(c2.error()).isEqualTo(TcpError.RESET);
      assertThat(c2.takeError()).isEqualTo(SocketError.CONNECTION_RESET);
    }
  }
}
