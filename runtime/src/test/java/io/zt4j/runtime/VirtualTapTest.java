package io.zt4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.NetworkOperation;
import io.zt4j.node.vl2.NetworkStatus;
import io.zt4j.node.vl2.VirtualNetworkConfig;
import io.zt4j.runtime.driver.TcpAcceptor;
import io.zt4j.runtime.driver.TcpConnection;
import io.zt4j.stack.socket.icmp.PingReply;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on a loopback planet join an ad-hoc network (IPv4 10.x.y.z/8 and 6PLANE, no
 * controller): each tap gets its addresses, and TCP, ping and the node's one loop thread carry
 * traffic between them over real UDP.
 */
class VirtualTapTest {
  /** ff 0a 0000000000 01: the ad-hoc network with IPv4 10.0.0.0/8, no hub. */
  static final long ADHOC = 0xff0a000000000001L;

  static VirtualNetworkConfig awaitAddresses(NodeRunner r, long nwid) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      var c = r.network(nwid);
      if (c.isPresent() && c.get().status() == NetworkStatus.OK && !c.get().assignedAddresses().isEmpty()) {
        return c.get();
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no config: " + r.network(nwid));
  }

  static java.net.InetAddress v4(VirtualNetworkConfig c) throws Exception {
    return java.net.InetAddress.getByAddress(c.ipv4Addresses().get(0).ip());
  }

  @Test
  void twoNodesJoinAnAdHocNetworkAndTalkTcpAndPing() throws Exception {
    List<Identity> ids = NodeRunnerTest.identities();
    try (LoopbackPlanet p = new LoopbackPlanet()) {
      List<String> events = new CopyOnWriteArrayList<>();
      long t0 = System.nanoTime();
      try (NodeRunner a = NodeRunner.start(p.member("a").identity(ids.get(1))
              .networkListener((id, op, c) -> events.add(op + " " + c.status())));
          NodeRunner b = NodeRunner.start(p.member("b").identity(ids.get(2)))) {
        a.join(ADHOC);
        b.join(ADHOC);
        VirtualNetworkConfig ca = awaitAddresses(a, ADHOC);
        VirtualNetworkConfig cb = awaitAddresses(b, ADHOC);
        System.out.printf("both configured after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(events.get(0)).startsWith(NetworkOperation.UP.name());
        java.net.InetAddress aIp = v4(ca);
        java.net.InetAddress bIp = v4(cb);
        assertThat(aIp).isInstanceOf(Inet4Address.class);
        assertThat(aIp.getAddress()[0]).isEqualTo((byte) 10);
        assertThat(ca.ipv6Addresses()).hasSize(1);
        assertThat(a.driver().stack().interfaces()).hasSize(1);

        PingReply r = a.driver().ping(bIp, 56, 5000);
        assertThat(r.error()).isNull();

        TcpAcceptor server = b.driver().listen(bIp, 7000, 10);
        TcpConnection c = a.driver().connect(null, 0, bIp, 7000);
        c.awaitConnected(10_000);
        TcpConnection s = server.accept(10_000);
        byte[] msg = "hello over zerotier".getBytes(StandardCharsets.UTF_8);
        c.write(msg, 0, msg.length);
        byte[] got = new byte[msg.length];
        int n = 0;
        while (n < got.length) {
          n += s.read(got, n, got.length - n, 10_000);
        }
        assertThat(got).isEqualTo(msg);
        assertThat(s.remoteAddress()).isEqualTo(aIp);

        // IPv6 (6PLANE, NDP emulated by the node) too
        java.net.InetAddress b6 = java.net.InetAddress.getByAddress(cb.ipv6Addresses().get(0).ip());
        PingReply r6 = a.driver().ping(b6, 56, 3000);
        assertThat(r6.error()).isNull();

        b.leave(ADHOC);
        assertThat(b.network(ADHOC)).isEmpty();
        c.close();
        s.close();
      }
    }
  }
}
