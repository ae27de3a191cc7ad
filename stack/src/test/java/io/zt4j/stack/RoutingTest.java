package io.zt4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.iface.Interface;
import io.zt4j.stack.iface.InterfaceConfig;
import io.zt4j.stack.iface.Route;
import io.zt4j.stack.ip.RouteInfo;
import io.zt4j.stack.link.LinkDevice;
import io.zt4j.stack.socket.icmp.PingReply;
import io.zt4j.stack.socket.icmp.PingSocket;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpPrefix;
import io.zt4j.testkit.link.EventLoop;
import io.zt4j.testkit.link.ManualClock;
import io.zt4j.testkit.link.SimSwitch;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A host H with two interfaces (two virtual networks) and routes; gateways G1/G2 own the
 * far-away addresses themselves (the stack is a host, not a router).
 */
class RoutingTest {
  static final long SEC = 1_000_000_000L;
  final ManualClock clock = new ManualClock(SEC);
  final EventLoop loop = new EventLoop(clock);
  final SimSwitch net1 = new SimSwitch(1);
  final SimSwitch net2 = new SimSwitch(2);

  RoutingTest() {
    loop.add(net1).add(net2);
  }

  Interface attach(Stack s, SimSwitch sw, InterfaceConfig cfg) {
    Interface[] ifc = new Interface[1];
    SimSwitch.Port[] port = new SimSwitch.Port[1];
    port[0] = sw.attach((f, off, len, now) -> ifc[0].receiveFrame(f, off, len, now));
    ifc[0] = s.addInterface(cfg, new LinkDevice() {
      @Override
      public void transmit(byte[] buf, int off, int len) {
        port[0].send(buf, off, len, clock.nanos());
      }
    }, clock.nanos());
    return ifc[0];
  }

  Stack stack(int seed) {
    Stack s = new Stack(StackConfig.of(new SplittableRandom(seed)));
    loop.add(new EventLoop.Participant() {
      @Override
      public long pollAt() {
        return s.pollAt();
      }

      @Override
      public void poll(long nowNanos) {
        s.poll(nowNanos);
      }
    });
    return s;
  }

  PingReply ping(Stack s, String dst) {
    PingSocket p = s.ping(IpAddress.parse(dst), 16, 2 * SEC, clock.nanos());
    loop.runUntil(() -> p.outstanding() == 0, 3 * SEC);
    PingReply r = p.receive();
    p.close();
    return r;
  }

  @Test
  void longestPrefixMatchAcrossInterfacesGatewaysAndSourceSelection() {
    Stack h = stack(1);
    Interface if1 = attach(h, net1, InterfaceConfig.of(0x020000000001L).withAddress("10.1.0.1/24")
        .withAddress("192.168.1.10/24"));
    Interface if2 = attach(h, net2, InterfaceConfig.of(0x020000000011L).withAddress("10.2.0.1/24")
        .withAddress("fd02::1/64")
        .withRoute(Route.via(IpPrefix.parse("192.168.0.0/16"), IpAddress.parse("10.2.0.254")))
        .withRoute(Route.defaultVia(IpAddress.parse("fe80::ff:fe00:fe"))));
    Stack g2 = stack(2);
    attach(g2, net2, InterfaceConfig.of(0x0200000000feL).withAddress("10.2.0.254/24").withAddress("192.168.7.7/32")
        .withAddress("fd99::1/128").withRoute(Route.onLink(IpPrefix.parse("fd02::/64"))));
    Stack g1 = stack(3);
    attach(g1, net1, InterfaceConfig.of(0x020000000002L).withAddress("192.168.1.20/24"));

    RouteInfo r = new RouteInfo();
    assertThat(h.ip().route(IpAddress.parse("192.168.7.7").hi(), IpAddress.parse("192.168.7.7").lo(), 0, r)).isTrue();
    assertThat(r.interfaceIndex).isEqualTo(if2.index());
    assertThat(r.nextHop()).isEqualTo(IpAddress.parse("10.2.0.254"));
    assertThat(r.src()).isEqualTo(IpAddress.parse("10.2.0.1"));
    IpAddress near = IpAddress.parse("192.168.1.20");
    assertThat(h.ip().route(near.hi(), near.lo(), 0, r)).isTrue();
    assertThat(r.interfaceIndex).isEqualTo(if1.index()); // the /24 beats the /16
    assertThat(r.src()).isEqualTo(IpAddress.parse("192.168.1.10")); // same-subnet source
    assertThat(r.nextHop()).isEqualTo(near);
    IpAddress far6 = IpAddress.parse("2001:db8::1");
    assertThat(h.ip().route(far6.hi(), far6.lo(), 0, r)).isTrue();
    assertThat(r.src()).isEqualTo(IpAddress.parse("fd02::1"));
    assertThat(r.nextHop()).isEqualTo(IpAddress.parse("fe80::ff:fe00:fe"));
    IpAddress nowhere = IpAddress.parse("172.16.0.1");
    assertThat(h.ip().route(nowhere.hi(), nowhere.lo(), 0, r)).isFalse();

    assertThat(ping(h, "192.168.7.7").ok()).isTrue(); // through the gateway's MAC
    assertThat(if2.neighborMac(IpAddress.parse("10.2.0.254"))).isEqualTo(0x0200000000feL);
    assertThat(if2.neighborMac(IpAddress.parse("192.168.7.7"))).isEqualTo(-1); // never ARPed for
    assertThat(ping(h, "192.168.1.20").ok()).isTrue();
    assertThat(ping(h, "fd99::1").ok()).isTrue(); // default route via a link-local gateway
    assertThat(if2.neighborMac(IpAddress.parse("fe80::ff:fe00:fe"))).isEqualTo(0x0200000000feL);
  }

  @Test
  void addressAndRouteChangesTakeEffect() {
    Stack h = stack(4);
    Interface ifc = attach(h, net1, InterfaceConfig.of(0x020000000001L).withAddress("10.1.0.1/24"));
    Stack p = stack(5);
    Interface pifc = attach(p, net1, InterfaceConfig.of(0x020000000002L).withAddress("10.1.0.2/24"));
    loop.runFor(SEC);
    assertThat(ping(h, "10.5.0.2").error()).isEqualTo(io.zt4j.stack.socket.SocketError.NO_ROUTE);
    pifc.addAddress(IpPrefix.parse("10.5.0.2/24"), clock.nanos());
    ifc.addAddress(IpPrefix.parse("10.5.0.1/24"), clock.nanos());
    assertThat(ping(h, "10.5.0.2").ok()).isTrue();
    assertThat(ifc.removeAddress(IpAddress.parse("10.5.0.1"))).isTrue();
    assertThat(ping(h, "10.5.0.2").error()).isEqualTo(io.zt4j.stack.socket.SocketError.NO_ROUTE);
    ifc.addRoute(Route.via(IpPrefix.parse("10.5.0.0/24"), IpAddress.parse("10.1.0.2")));
    assertThat(ping(h, "10.5.0.2").ok()).isTrue();
    ifc.setMtu(1280);
    RouteInfo r = new RouteInfo();
    IpAddress d = IpAddress.parse("10.5.0.2");
    h.ip().route(d.hi(), d.lo(), 0, r);
    assertThat(r.mtu).isEqualTo(1280);
  }

  @Test
  void devicesGetTheirHeadroom() {
    Stack h = new Stack(StackConfig.of(new SplittableRandom(1)).withHeadroom(64).withTailroom(16));
    int[] seen = new int[2];
    h.addInterface(InterfaceConfig.of(0x020000000001L).withAddress("10.1.0.1/24"), new LinkDevice() {
      @Override
      public int headroom() {
        return 60;
      }

      @Override
      public int tailroom() {
        return 16;
      }

      @Override
      public void transmit(byte[] buf, int off, int len) {
        assertThat(off).isGreaterThanOrEqualTo(60);
        assertThat(buf.length - off - len).isGreaterThanOrEqualTo(16);
        // the device may scribble over its headroom and tailroom
        java.util.Arrays.fill(buf, off - 60, off, (byte) 0x55);
        java.util.Arrays.fill(buf, off + len, off + len + 16, (byte) 0x66);
        seen[0]++;
      }
    }, 0);
    h.udp().open().send(new byte[100], 0, 100, IpAddress.parse("10.1.0.255"), 9, 0); // broadcast: no ARP
    assertThat(seen[0]).isEqualTo(2); // the gratuitous ARP and the broadcast
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.addInterface(
        InterfaceConfig.of(0x020000000002L), new LinkDevice() {
          @Override
          public int headroom() {
            return 65;
          }

          @Override
          public void transmit(byte[] buf, int off, int len) {}
        }, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
