package io.zt4j.stack;

import static io.zt4j.stack.UdpTest.bytes;
import static io.zt4j.stack.UdpTest.receiveString;
import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.ip.StackStats.Counter;
import io.zt4j.stack.socket.Readiness;
import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.socket.StackSocket;
import io.zt4j.stack.socket.udp.UdpMeta;
import io.zt4j.stack.socket.udp.UdpSocket;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.MacAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UdpSocketTest {
  static final long SEC = 1_000_000_000L;
  static final IpAddress A4 = IpAddress.parse("10.1.0.1");
  static final IpAddress B4 = IpAddress.parse("10.1.0.2");
  static final IpAddress B6 = IpAddress.parse("fd01::2");

  @Test
  void bindRules() {
    try (TestNet net = new TestNet(20)) {
      Stack s = net.host(PingTest.cfg(1)).stack;
      UdpSocket any = s.udp().open();
      assertThat(any.bind(null, 53)).isZero();
      assertThat(any.bind(null, 54)).isEqualTo(SocketError.INVALID_ARGUMENT.code()); // already bound
      UdpSocket specific = s.udp().open();
      assertThat(specific.bind(A4, 53)).isEqualTo(SocketError.ADDRESS_IN_USE.code()); // :: covers it
      assertThat(specific.bind(IpAddress.parse("10.1.0.99"), 53)).isEqualTo(SocketError.ADDRESS_NOT_AVAILABLE.code());
      UdpSocket v4only = s.udp().open();
      assertThat(v4only.bind(IpAddress.ANY_V4, 60)).isZero();
      UdpSocket v6on60 = s.udp().open();
      assertThat(v6on60.bind(IpAddress.parse("fd01::1"), 60)).isZero(); // 0.0.0.0 leaves IPv6 free
      UdpSocket v4on60 = s.udp().open();
      assertThat(v4on60.bind(A4, 60)).isEqualTo(SocketError.ADDRESS_IN_USE.code());
      UdpSocket r1 = s.udp().open();
      UdpSocket r2 = s.udp().open();
      r1.reuseAddress(true);
      r2.reuseAddress(true);
      assertThat(r1.bind(null, 5353)).isZero();
      assertThat(r2.bind(null, 5353)).isZero();
      any.close();
      assertThat(specific.bind(A4, 53)).isZero(); // port free again after close
      UdpSocket eph = s.udp().open();
      assertThat(eph.bind(null, 0)).isZero();
      assertThat(eph.localPort()).isBetween(49152, 65535);
      assertThat(any.bind(null, 1)).isEqualTo(SocketError.CLOSED.code());
    }
  }

  @Test
  void mostSpecificSocketWinsAndConnectedSocketsFilter() {
    try (TestNet net = new TestNet(21)) {
      TestNet.Host a = net.host(PingTest.cfg(1));
      TestNet.Host b = net.host(PingTest.cfg(2));
      UdpSocket wildcard = b.stack.udp().open();
      wildcard.reuseAddress(true);
      wildcard.bind(null, 9000);
      UdpSocket exact = b.stack.udp().open();
      exact.reuseAddress(true);
      exact.bind(B4, 9000);
      UdpSocket connected = b.stack.udp().open();
      connected.reuseAddress(true);
      connected.bind(null, 9000);
      UdpSocket c1 = a.stack.udp().open();
      c1.bind(null, 1111);
      UdpSocket c2 = a.stack.udp().open();
      c2.bind(null, 2222);
      assertThat(connected.connect(A4, 2222)).isZero();
      c1.send(bytes("one"), 0, 3, B4, 9000, net.now());
      c2.send(bytes("two"), 0, 3, B4, 9000, net.now());
      c1.send(bytes("six"), 0, 3, B6, 9000, net.now());
      net.runUntil(() -> false, SEC);
      UdpMeta m = new UdpMeta();
      assertThat(receiveString(exact, m)).isEqualTo("one");
      assertThat(receiveString(connected, m)).isEqualTo("two");
      assertThat(receiveString(wildcard, m)).isEqualTo("six");
      assertThat(exact.queuedDatagrams() + connected.queuedDatagrams() + wildcard.queuedDatagrams()).isZero();
      // connected sockets send without an address and refuse to send without one otherwise
      assertThat(connected.send(bytes("hi"), 0, 2, null, 0, net.now())).isEqualTo(2);
      assertThat(wildcard.send(bytes("hi"), 0, 2, null, 0, net.now())).isEqualTo(SocketError.NOT_CONNECTED.code());
      net.runUntil(() -> c2.queuedDatagrams() == 1, SEC);
      assertThat(receiveString(c2, m)).isEqualTo("hi");
      assertThat(m.source()).isEqualTo(B4);
    }
  }

  @Test
  void broadcastNeedsTheOptionAndReachesEveryone() {
    try (TestNet net = new TestNet(22)) {
      TestNet.Host a = net.host(PingTest.cfg(1));
      TestNet.Host b = net.host(PingTest.cfg(2));
      TestNet.Host c = net.host(PingTest.cfg(3));
      List<UdpSocket> rx = new ArrayList<>();
      for (TestNet.Host h : List.of(b, c)) {
        UdpSocket s = h.stack.udp().open();
        s.bind(IpAddress.ANY_V4, 67);
        rx.add(s);
      }
      UdpSocket tx = a.stack.udp().open();
      assertThat(tx.send(bytes("x"), 0, 1, IpAddress.BROADCAST_V4, 67, net.now()))
          .isEqualTo(SocketError.BROADCAST_NOT_ALLOWED.code());
      tx.broadcast(true);
      assertThat(tx.send(bytes("all"), 0, 3, IpAddress.BROADCAST_V4, 67, net.now())).isEqualTo(3);
      assertThat(tx.send(bytes("net"), 0, 3, IpAddress.parse("10.1.0.255"), 67, net.now())).isEqualTo(3);
      net.runUntil(() -> rx.stream().allMatch(s -> s.queuedDatagrams() == 2), SEC);
      UdpMeta m = new UdpMeta();
      for (UdpSocket s : rx) {
        assertThat(receiveString(s, m)).isEqualTo("all");
        assertThat(m.destination()).isEqualTo(IpAddress.BROADCAST_V4);
        assertThat(receiveString(s, m)).isEqualTo("net");
      }
      // no port-unreachable storms for broadcasts to closed ports
      assertThat(tx.send(bytes("x"), 0, 1, IpAddress.BROADCAST_V4, 99, net.now())).isEqualTo(1);
      net.runFor(SEC);
      assertThat(b.stack.stats().get(Counter.ICMP_ERRORS_OUT) + c.stack.stats().get(Counter.ICMP_ERRORS_OUT)).isZero();
    }
  }

  @Test
  void multicastJoinLeaveAndTheTapsGroupList() {
    try (TestNet net = new TestNet(23)) {
      TestNet.Host a = net.host(PingTest.cfg(1));
      TestNet.Host b = net.host(PingTest.cfg(2));
      int[] changes = {0};
      b.ifc.onMulticastChange(() -> changes[0]++);
      long[] before = b.ifc.multicastMacs();
      assertThat(before).contains(MacAddress.BROADCAST, 0x333300000001L, 0x3333ff000002L, 0x01005e000001L);
      IpAddress g4 = IpAddress.parse("239.1.2.3");
      IpAddress g6 = IpAddress.parse("ff12::1234");
      UdpSocket rx = b.stack.udp().open();
      rx.bind(null, 4242);
      assertThat(rx.joinGroup(g4, 0)).isZero();
      assertThat(rx.joinGroup(g6, 0)).isZero();
      assertThat(changes[0]).isEqualTo(2);
      assertThat(b.ifc.multicastMacs()).contains(0x01005e010203L, 0x333300001234L);
      assertThat(b.ifc.multicastGroups()).contains(g4, g6);
      UdpSocket tx = a.stack.udp().open();
      tx.send(bytes("m4"), 0, 2, g4, 4242, net.now());
      tx.send(bytes("m6"), 0, 2, g6, 4242, net.now());
      net.runUntil(() -> rx.queuedDatagrams() == 2, SEC);
      UdpMeta m = new UdpMeta();
      assertThat(receiveString(rx, m)).isEqualTo("m4");
      assertThat(m.destination()).isEqualTo(g4);
      assertThat(receiveString(rx, m)).isEqualTo("m6");
      rx.close(); // leaves both groups
      assertThat(b.ifc.multicastMacs()).isEqualTo(before);
      assertThat(changes[0]).isEqualTo(4);
      tx.send(bytes("m4"), 0, 2, g4, 4242, net.now());
      net.runFor(SEC);
      assertThat(b.stack.stats().get(Counter.DROP_NOT_OUR_MAC)).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void receiveBufferLimitDropsAndCounts() {
    try (TestNet net = new TestNet(24)) {
      TestNet.Host a = net.host(PingTest.cfg(1));
      TestNet.Host b = net.host(PingTest.cfg(2));
      UdpSocket rx = b.stack.udp().open();
      rx.receiveBufferBytes(10_000);
      rx.bind(null, 7);
      UdpSocket tx = a.stack.udp().open();
      byte[] d = new byte[1000];
      for (int i = 0; i < 15; i++) {
        tx.send(d, 0, d.length, B4, 7, net.now());
      }
      net.runFor(SEC);
      assertThat(rx.queuedDatagrams()).isEqualTo(10);
      assertThat(rx.drops()).isEqualTo(5);
      assertThat(b.stack.stats().get(Counter.DROP_UDP_RECEIVE_QUEUE_FULL)).isEqualTo(5);
      // truncation: the rest of a datagram is discarded
      byte[] small = new byte[10];
      UdpMeta m = new UdpMeta();
      assertThat(rx.receive(small, 0, 10, m)).isEqualTo(10);
      assertThat(m.length()).isEqualTo(1000);
      assertThat(rx.queuedDatagrams()).isEqualTo(9);
    }
  }

  @Test
  void readinessQueueHoldsEachSocketOnceAndNeverScans() {
    try (TestNet net = new TestNet(25)) {
      TestNet.Host a = net.host(PingTest.cfg(1));
      TestNet.Host b = net.host(PingTest.cfg(2));
      List<UdpSocket> idle = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        UdpSocket s = b.stack.udp().open();
        s.bind(null, 10000 + i);
        idle.add(s);
      }
      UdpSocket tx = a.stack.udp().open();
      for (int i = 0; i < 5; i++) {
        tx.send(new byte[1], 0, 1, B4, 10007, net.now());
      }
      b.ready.clear();
      b.autoDrain = false;
      net.runFor(SEC);
      b.drain();
      assertThat(b.ready).containsExactly(idle.get(7)); // five datagrams, one notification
      StackSocket s = b.ready.get(0);
      assertThat(s.readiness()).isEqualTo(Readiness.READABLE | Readiness.WRITABLE);
      assertThat(b.stack.nextReady()).isNull();
    }
  }

  @Test
  void sendErrors() {
    try (TestNet net = new TestNet(26)) {
      TestNet.Host a = net.host(InterfaceConfig.of(0x020000000001L).withAddress("10.1.0.1/24"));
      UdpSocket s = a.stack.udp().open();
      assertThat(s.send(new byte[1], 0, 1, IpAddress.parse("192.168.1.1"), 1, net.now()))
          .isEqualTo(SocketError.NO_ROUTE.code());
      assertThat(s.send(new byte[1], 0, 1, IpAddress.parse("fd00::1"), 1, net.now()))
          .isEqualTo(SocketError.NO_ROUTE.code());
      assertThat(s.send(new byte[65508], 0, 65508, B4, 1, net.now())).isEqualTo(SocketError.MESSAGE_TOO_BIG.code());
      assertThat(s.send(new byte[65507], 0, 65507, B4, 1, net.now())).isEqualTo(65507);
      UdpSocket bound4 = a.stack.udp().open();
      bound4.bind(A4, 0);
      assertThat(bound4.send(new byte[1], 0, 1, B6, 1, net.now())).isEqualTo(SocketError.INVALID_ARGUMENT.code());
    }
  }
}
