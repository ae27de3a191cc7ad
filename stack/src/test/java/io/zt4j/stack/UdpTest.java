package io.zt4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.ip.StackStats.Counter;
import io.zt4j.stack.socket.Readiness;
import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.socket.udp.UdpMeta;
import io.zt4j.stack.socket.udp.UdpSocket;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.testkit.link.Impairment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UdpTest {
  static final long MS = 1_000_000L;
  static final long SEC = 1_000_000_000L;

  static InterfaceConfig cfg(int n) {
    return PingTest.cfg(n);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String receiveString(UdpSocket s, UdpMeta meta) {
    byte[] b = new byte[65536];
    int n = s.receive(b, 0, b.length, meta);
    return n < 0 ? "error " + SocketError.of(n) : new String(b, 0, n, StandardCharsets.UTF_8);
  }

  @Test
  void echoesOverIpv4AndIpv6() {
    try (TestNet net = new TestNet(10).capture("UdpTest.echo")) {
      TestNet.Host a = net.host(cfg(1));
      TestNet.Host b = net.host(cfg(2));
      UdpSocket server = b.stack.udp().open();
      assertThat(server.bind(null, 7)).isZero();
      UdpSocket client = a.stack.udp().open();
      for (String dst : new String[] {"10.1.0.2", "fd01::2"}) {
        assertThat(client.send(bytes("hello " + dst), 0, 6 + dst.length(), IpAddress.parse(dst), 7, net.now()))
            .isEqualTo(6 + dst.length());
        assertThat(net.runUntil(() -> server.queuedDatagrams() == 1, SEC)).isTrue();
        assertThat(b.ready).contains(server);
        UdpMeta meta = new UdpMeta();
        assertThat(receiveString(server, meta)).isEqualTo("hello " + dst);
        assertThat(meta.destination()).isEqualTo(IpAddress.parse(dst));
        assertThat(meta.srcPort()).isEqualTo(client.localPort());
        assertThat(client.localPort()).isBetween(49152, 65535);
        byte[] reply = bytes("re:" + dst);
        assertThat(server.send(reply, 0, reply.length, meta.source(), meta.srcPort(), net.now())).isEqualTo(reply.length);
        assertThat(net.runUntil(() -> (client.readiness() & Readiness.READABLE) != 0, SEC)).isTrue();
        UdpMeta m2 = new UdpMeta();
        assertThat(receiveString(client, m2)).isEqualTo("re:" + dst);
        assertThat(m2.source()).isEqualTo(IpAddress.parse(dst));
        assertThat(m2.srcPort()).isEqualTo(7);
      }
      assertThat(server.receive(new byte[10], 0, 10, null)).isEqualTo(SocketError.WOULD_BLOCK.code());
    }
  }

  @Test
  void closedPortAnswersWithIcmpAndConnectedSocketSeesRefused() {
    try (TestNet net = new TestNet(11)) {
      TestNet.Host a = net.host(cfg(1));
      TestNet.Host b = net.host(cfg(2));
      for (String dst : new String[] {"10.1.0.2", "fd01::2"}) {
        UdpSocket c = a.stack.udp().open();
        assertThat(c.connect(IpAddress.parse(dst), 9999)).isZero();
        assertThat(c.send(bytes("x"), 0, 1, null, 0, net.now())).isEqualTo(1);
        assertThat(net.runUntil(() -> c.pendingError() != null, SEC)).isTrue();
        assertThat(c.readiness() & Readiness.ERROR).isNotZero();
        assertThat(c.takeError()).isEqualTo(SocketError.CONNECTION_REFUSED);
        assertThat(c.takeError()).isNull();
        c.close();
        assertThat(c.readiness()).isEqualTo(Readiness.HANGUP);
      }
      assertThat(b.stack.stats().get(Counter.DROP_UDP_NO_SOCKET)).isEqualTo(2);
      assertThat(b.stack.stats().get(Counter.ICMP_ERRORS_OUT)).isEqualTo(2);
    }
  }

  @Test
  void largeDatagramsAreFragmentedAndReassembledDespiteReorderingAndDuplicates() {
    try (TestNet net = new TestNet(12).capture("UdpTest.fragments")) {
      TestNet.Host a = net.host(cfg(1).withMtu(1500));
      TestNet.Host b = net.host(cfg(2).withMtu(1500));
      b.port.impairDown(Impairment.NONE.withDelay(MS).withJitter(3 * MS).withDuplicate(0.2).withReorder(0.3, 2 * MS));
      UdpSocket server = b.stack.udp().open();
      server.bind(null, 5000);
      UdpSocket client = a.stack.udp().open();
      byte[] big = new byte[60000];
      new java.util.Random(5).nextBytes(big);
      for (String dst : new String[] {"10.1.0.2", "fd01::2"}) {
        for (int i = 0; i < 5; i++) {
          int len = 3000 + i * 13000;
          assertThat(client.send(big, i, len, IpAddress.parse(dst), 5000, net.now())).isEqualTo(len);
          assertThat(net.runUntil(() -> server.queuedDatagrams() == 1, SEC)).as(dst + " " + len).isTrue();
          byte[] got = new byte[65536];
          int n = server.receive(got, 0, got.length, null);
          assertThat(Arrays.copyOf(got, n)).isEqualTo(Arrays.copyOfRange(big, i, i + len));
        }
      }
      assertThat(a.stack.stats().get(Counter.FRAGMENTS_OUT)).isGreaterThan(50);
      assertThat(b.stack.stats().get(Counter.REASSEMBLED)).isEqualTo(10);
      assertThat(b.stack.stats().get(Counter.DROP_FRAGMENT_OVERLAP)).isZero();
    }
  }
}
