package io.zt4j.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.testkit.portmap.FakeNatPmpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Port mapping end to end, all on loopback: a fake NAT-PMP gateway grants an "external" port on
 * which a UDP forwarder plays the router's NAT towards the node's mapped port. The node
 * advertises that address to a network peer (PUSH_DIRECT_PATHS), and the peer reaches the node
 * through it.
 */
class PortMappedPathIT {
  /**
   * The router's "external" address: another loopback address, because a peer does not learn a
   * second path at the IP of a live one on the same socket (ZeroTier's guard against NAT loops).
   */
  static final InetAddress EXTERNAL_IP = ip(127, 0, 0, 2);

  static InetAddress ip(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A one-peer NAT: what reaches {@link #front} goes to the target, the target's answers go back out of it. */
  static final class Forwarder implements AutoCloseable {
    final DatagramChannel front;
    final DatagramChannel back;
    final AtomicLong inbound = new AtomicLong();
    final AtomicLong outbound = new AtomicLong();
    private final Selector selector;
    private final Thread thread;
    private volatile InetSocketAddress target;
    private volatile InetSocketAddress peer;

    Forwarder() throws Exception {
      InetAddress lo = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
      selector = Selector.open();
      front = DatagramChannel.open().bind(new InetSocketAddress(EXTERNAL_IP, 0));
      back = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
      for (DatagramChannel ch : List.of(front, back)) {
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ, ch);
      }
      thread = new Thread(this::run, "fake-nat-forwarder");
      thread.setDaemon(true);
      thread.start();
    }

    int frontPort() throws Exception {
      return ((InetSocketAddress) front.getLocalAddress()).getPort();
    }

    void target(InetSocketAddress t) {
      this.target = t;
    }

    private void run() {
      ByteBuffer buf = ByteBuffer.allocate(16384);
      try {
        while (selector.isOpen()) {
          selector.select(100);
          for (SelectionKey k : selector.selectedKeys()) {
            DatagramChannel ch = (DatagramChannel) k.attachment();
            for (InetSocketAddress from; (from = (InetSocketAddress) ch.receive(buf.clear())) != null; ) {
              buf.flip();
              InetSocketAddress t = target;
              if (ch == front && t != null) {
                peer = from;
                back.send(buf, t);
                inbound.incrementAndGet();
              } else if (ch == back && from.equals(t) && peer != null) {
                front.send(buf, peer);
                outbound.incrementAndGet();
              }
            }
          }
          selector.selectedKeys().clear();
        }
      } catch (java.io.IOException | java.nio.channels.ClosedSelectorException e) {
        // closed
      }
    }

    @Override
    public void close() throws Exception {
      selector.close();
      thread.join(2000);
      front.close();
      back.close();
    }
  }

  @Test
  void aPeerReachesTheNodeAtTheAddressTheRouterMapped() throws Exception {
    try (LocalNetwork net = new LocalNetwork(); FakeNatPmpServer gw = new FakeNatPmpServer(); Forwarder nat = new Forwarder()) {
      gw.externalIp(EXTERNAL_IP.getAddress());
      gw.grantExternalPort(nat.frontPort());
      InetSocketAddress external = new InetSocketAddress(EXTERNAL_IP, nat.frontPort());
      // the SSDP target (unused: NAT-PMP answers) is the discard port on loopback
      try (ZeroTierNode a = net.member("mapped").portMapping(true)
              .portMappingRouter(gw.address(), new InetSocketAddress("127.0.0.1", 9)).build().start();
          ZeroTierNode b = net.member("peer").build().start()) {
        int mappedPort = a.localAddresses().get(1).getPort();
        nat.target(new InetSocketAddress("127.0.0.1", mappedPort));
        long until = System.currentTimeMillis() + 10_000;
        while (a.mappedAddress().isEmpty() && System.currentTimeMillis() < until) {
          Thread.sleep(20);
        }
        assertThat(a.mappedAddress()).hasValue(external);
        assertThat(gw.mappings()).containsEntry(mappedPort, nat.frontPort());

        for (ZeroTierNode n : List.of(a, b)) {
          net.authorize(n.nodeId());
          n.join(net.networkId);
        }
        ZeroTierNetwork na = a.awaitNetworkReady(net.networkId, Duration.ofSeconds(30));
        b.awaitNetworkReady(net.networkId, Duration.ofSeconds(30));
        InetAddress aIp = na.ipv4().orElseThrow();
        // traffic between members makes a push its direct paths to b, the mapped address first
        boolean viaNat = false;
        until = System.currentTimeMillis() + 20_000;
        while (!viaNat && System.currentTimeMillis() < until) {
          try {
            b.ping(aIp, Duration.ofSeconds(2));
          } catch (java.net.SocketTimeoutException e) {
            // keep trying: the paths are what matters
          }
          viaNat = b.peers().stream().filter(p -> p.nodeId().equals(a.nodeId())).flatMap(p -> p.paths().stream())
              .anyMatch(p -> p.address().equals(external) && p.alive());
          if (!viaNat) {
            Thread.sleep(100);
          }
        }
        assertThat(viaNat).as("b has a live path to a at the mapped address " + external).isTrue();
        assertThat(nat.inbound.get()).isPositive();
        assertThat(nat.outbound.get()).isPositive();
      }
      assertThat(gw.mappings()).as("deleted when a stopped").isEmpty();
    }
  }
}
