package io.zt4j.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@link ZeroTierNode}s, an in-process root and a controller on loopback UDP: joining,
 * addresses, TCP, UDP and ping between the nodes; denied and unknown networks; restart with
 * storage; corrupt state.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZeroTierNodeIT {
  static LocalNetwork net;
  @TempDir Path tmp;

  @BeforeAll
  static void planet() throws Exception {
    net = new LocalNetwork();
  }

  @AfterAll
  static void stop() {
    net.close();
  }

  private ZeroTierNetwork joinAuthorized(ZeroTierNode n) throws Exception {
    net.authorize(n.nodeId());
    n.join(net.networkId);
    return n.awaitNetworkReady(net.networkId, Duration.ofSeconds(30));
  }

  @Test
  void twoNodesJoinGetAddressesAndTalkTcpUdpAndPing() throws Exception {
    List<ZeroTierEvent> aEvents = new CopyOnWriteArrayList<>();
    long t0 = System.nanoTime();
    try (ZeroTierNode a = net.member("a").listener(aEvents::add).build().start();
        ZeroTierNode b = net.member("b").build().start()) {
      a.awaitOnline(Duration.ofSeconds(20));
      b.awaitOnline(Duration.ofSeconds(20));
      System.out.printf("both online after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      assertThat(a.status()).isEqualTo(ZeroTierNode.Status.ONLINE);
      assertThat(a.nodeId()).matches("[0-9a-f]{10}").isNotEqualTo(b.nodeId());
      assertThat(a.identity()).startsWith(a.nodeId() + ":0:");
      assertThat(a.planetId()).isEqualTo(net.planet.id());
      ZeroTierNetwork na = joinAuthorized(a);
      ZeroTierNetwork nb = joinAuthorized(b);
      System.out.printf("both ready after %d ms%n", (System.nanoTime() - t0) / 1_000_000);

      assertThat(na.ready()).isTrue();
      assertThat(na.status()).isEqualTo(ZeroTierNetwork.Status.OK);
      assertThat(na.name()).isEqualTo("test");
      assertThat(na.isPrivate()).isTrue();
      assertThat(na.networkIdString()).isEqualTo(String.format("%016x", net.networkId));
      assertThat(na.mac()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}").isNotEqualTo(nb.mac());
      Inet4Address a4 = na.ipv4().orElseThrow();
      Inet4Address b4 = nb.ipv4().orElseThrow();
      assertThat(a4.getHostAddress()).startsWith("10.147.17.");
      assertThat(na.addresses()).filteredOn(x -> x.kind() == ZeroTierNetwork.AddressKind.IPV4)
          .extracting(ZeroTierNetwork.AssignedAddress::prefixLength).containsExactly(24);
      Inet6Address aRfc = na.rfc4193().orElseThrow();
      assertThat(aRfc.getAddress()[0]).isEqualTo((byte) 0xfd);
      Inet6Address b6plane = nb.sixPlane().orElseThrow();
      assertThat(b6plane.getAddress()[0]).isEqualTo((byte) 0xfc);
      assertThat(na.routes()).anyMatch(r -> r.toString().equals("10.147.17.0/24"));
      assertThat(a.addresses(net.networkId)).contains(a4, aRfc);
      assertThat(a.networks()).extracting(ZeroTierNetwork::networkId).containsExactly(net.networkId);

      // ping over IPv4, RFC 4193 and 6PLANE
      for (InetAddress dst : List.of(b4, nb.rfc4193().orElseThrow(), b6plane)) {
        Duration rtt = a.ping(dst, Duration.ofSeconds(5));
        assertThat(rtt).as("ping " + dst).isPositive().isLessThan(Duration.ofSeconds(5));
      }

      // TCP echo, b serving, a connecting through the node and through its socket factory
      try (ServerSocket server = b.serverSocket(7007)) {
        CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
          for (int i = 0; i < 2; i++) {
            try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
              in.transferTo(out);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        });
        try (Socket c = a.socket(b4, 7007)) {
          assertThat(c).isInstanceOf(ZeroTierSocket.class);
          byte[] msg = "hello over zerotier".getBytes(StandardCharsets.UTF_8);
          c.getOutputStream().write(msg);
          c.shutdownOutput();
          assertThat(c.getInputStream().readAllBytes()).isEqualTo(msg);
          assertThat(c.getLocalAddress()).isEqualTo(a4);
        }
        try (Socket c = a.socketFactory().createSocket(nb.rfc4193().orElseThrow(), 7007)) {
          c.getOutputStream().write(new byte[] {1, 2, 3});
          c.shutdownOutput();
          byte[] got = new byte[3];
          new DataInputStream(c.getInputStream()).readFully(got);
          assertThat(got).containsExactly(1, 2, 3);
        }
        echo.get(20, TimeUnit.SECONDS);
      }

      // UDP both ways
      try (var ua = a.datagramSocket(0); var ub = b.datagramSocket(9000)) {
        ub.setSoTimeout(5000);
        ua.setSoTimeout(5000);
        byte[] ping = "udp ping".getBytes(StandardCharsets.UTF_8);
        DatagramPacket got = new DatagramPacket(new byte[100], 100);
        // the first datagram may race ARP resolution on a fresh path; retry a few times as UDP apps do
        boolean received = false;
        for (int i = 0; i < 5 && !received; i++) {
          ua.send(new DatagramPacket(ping, ping.length, new InetSocketAddress(b4, 9000)));
          try {
            ub.receive(got);
            received = true;
          } catch (SocketTimeoutException e) {
            // retry
          }
        }
        assertThat(received).isTrue();
        assertThat(new String(got.getData(), 0, got.getLength(), StandardCharsets.UTF_8)).isEqualTo("udp ping");
        assertThat(got.getAddress()).isEqualTo(a4);
        ub.send(new DatagramPacket("pong".getBytes(StandardCharsets.UTF_8), 4, got.getSocketAddress()));
        DatagramPacket back = new DatagramPacket(new byte[100], 100);
        ua.receive(back);
        assertThat(new String(back.getData(), 0, back.getLength(), StandardCharsets.UTF_8)).isEqualTo("pong");
      }

      assertThat(a.peers()).anyMatch(p -> p.role() == ZeroTierPeer.Role.PLANET && p.version() != null);
      assertThat(a.peers()).anyMatch(p -> p.nodeId().equals(b.nodeId()));
      ZeroTierNode.Counters c = a.counters();
      assertThat(c.datagramsIn()).isPositive();
      assertThat(c.datagramsOut()).isPositive();
    }
    // events, in order: up, online, address added before ready, down last
    assertThat(aEvents.get(0)).isInstanceOf(ZeroTierEvent.NodeUp.class);
    assertThat(aEvents).anyMatch(e -> e instanceof ZeroTierEvent.NodeOnline);
    int added = indexOf(aEvents, ZeroTierEvent.AddressAdded.class);
    int ready = indexOf(aEvents, ZeroTierEvent.NetworkReady.class);
    assertThat(added).isNotNegative().isLessThan(ready);
    assertThat(aEvents).anyMatch(e -> e instanceof ZeroTierEvent.PeerDirect);
    assertThat(aEvents.get(aEvents.size() - 1)).isInstanceOf(ZeroTierEvent.NodeDown.class);
  }

  @Test
  void closeReturnsOnceASlowListenerSawEveryEventNodeDownLast() throws Exception {
    List<ZeroTierEvent> seen = new CopyOnWriteArrayList<>();
    ZeroTierNode n = net.member("slow-listener").listener(e -> {
      try {
        Thread.sleep(500);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      seen.add(e);
    }).build().start();
    n.awaitOnline(Duration.ofSeconds(20));
    n.close();
    assertThat(seen).first().isInstanceOf(ZeroTierEvent.NodeUp.class);
    assertThat(seen).last().isInstanceOf(ZeroTierEvent.NodeDown.class);
    assertThat(seen).anyMatch(e -> e instanceof ZeroTierEvent.NodeOnline);
  }

  private static int indexOf(List<ZeroTierEvent> events, Class<?> type) {
    for (int i = 0; i < events.size(); i++) {
      if (type.isInstance(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void deniedAndUnknownNetworksAndBadIdsGiveClearErrors() throws Exception {
    List<ZeroTierEvent> events = new CopyOnWriteArrayList<>();
    try (ZeroTierNode n = net.member("c").listener(events::add).build().start()) {
      n.awaitOnline(Duration.ofSeconds(20));
      n.join(net.networkId);
      assertThatThrownBy(() -> n.awaitNetworkReady(net.networkId, Duration.ofSeconds(30)))
          .isInstanceOfSatisfying(ZeroTierNetworkException.class,
              e -> assertThat(e.status()).isEqualTo(ZeroTierNetwork.Status.ACCESS_DENIED))
          .hasMessageContaining("access denied to network " + String.format("%016x", net.networkId))
          .hasMessageContaining(n.nodeId());
      // a refusal is thrown once; then the wait goes on, and times out saying why
      assertThatThrownBy(() -> n.awaitNetworkReady(net.networkId, Duration.ofMillis(300)))
          .isInstanceOf(java.util.concurrent.TimeoutException.class).hasMessageContaining("still access denied");
      // authorized afterwards: the controller pushes the config, no new join needed
      net.authorize(n.nodeId());
      assertThat(n.awaitNetworkReady(net.networkId, Duration.ofSeconds(30)).ipv4()).isPresent();
      long unknown = (net.networkId & ~0xffffffL) | 0xabcdefL;
      n.join(String.format("%016x", unknown));
      assertThatThrownBy(() -> n.awaitNetworkReady(unknown, Duration.ofSeconds(30)))
          .isInstanceOfSatisfying(ZeroTierNetworkException.class,
              e -> assertThat(e.status()).isEqualTo(ZeroTierNetwork.Status.NOT_FOUND))
          .hasMessageContaining("network " + String.format("%016x", unknown) + " not found");
      assertThatThrownBy(() -> n.join("8056c2e21c00001"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'8056c2e21c00001'")
          .hasMessageContaining("16 hex digits");
      assertThatThrownBy(() -> n.awaitNetworkReady(0x1234L, Duration.ofSeconds(1)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("not joined");
      n.leave(unknown);
      assertThat(n.network(unknown)).isEmpty();
    }
    assertThat(events).anyMatch(e -> e instanceof ZeroTierEvent.NetworkDenied d && d.network().networkId() == net.networkId);
    assertThat(events).anyMatch(e -> e instanceof ZeroTierEvent.NetworkNotFound);
    assertThat(events).anyMatch(e -> e instanceof ZeroTierEvent.NetworkLeft);
  }

  @Test
  void restartWithStorageKeepsIdentityAndMembership() throws Exception {
    Path home = tmp.resolve("node");
    String id;
    InetAddress v4;
    try (ZeroTierNode n = net.member("d").storage(home).build().start()) {
      id = n.nodeId();
      n.awaitOnline(Duration.ofSeconds(20));
      v4 = joinAuthorized(n).ipv4().orElseThrow();
    }
    assertThat(Files.readString(home.resolve("identity.secret"))).startsWith(id + ":0:");
    assertThat(home.resolve("networks.d").resolve(String.format("%016x.conf", net.networkId))).exists();
    try (ZeroTierNode n = net.member("d2").storage(home).build().start()) {
      assertThat(n.nodeId()).isEqualTo(id);
      // rejoined from storage, without join()
      ZeroTierNetwork again = n.awaitNetworkReady(net.networkId, Duration.ofSeconds(30));
      assertThat(again.ipv4()).contains((Inet4Address) v4);
    }
  }

  @Test
  void corruptStateAndMisuseGiveClearErrors() throws Exception {
    Path home = tmp.resolve("bad");
    Files.createDirectories(home);
    Files.writeString(home.resolve("identity.secret"), "0123456789:0:garbage");
    assertThatThrownBy(() -> net.member("e").storage(home).build().start())
        .isInstanceOfSatisfying(ZeroTierStateException.class,
            e -> assertThat(e.file()).isEqualTo(home.resolve("identity.secret")))
        .hasMessageContaining(home.resolve("identity.secret").toString())
        .hasMessageContaining("not a ZeroTier identity");
    assertThat(Files.readString(home.resolve("identity.secret"))).isEqualTo("0123456789:0:garbage");

    Path planet = tmp.resolve("planet");
    Files.write(planet, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> ZeroTierNode.builder().planet(planet).loopbackOnly().port(0).build().start())
        .isInstanceOf(ZeroTierStateException.class).hasMessageContaining(planet.toString());

    assertThatThrownBy(() -> ZeroTierNode.builder().identity("nonsense"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identity");
    ZeroTierNode unstarted = net.member("f").build();
    assertThatThrownBy(unstarted::nodeId).isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
    String identity = ZeroTierNode.generateIdentity();
    try (ZeroTierNode n = net.member("g").identity(identity).build().start()) {
      assertThat(identity).startsWith(n.nodeId() + ":0:");
      assertThatThrownBy(n::start).isInstanceOf(IllegalStateException.class);
      // a port in use: the JDK's BindException, naming the address
      int port = n.localAddresses().get(0).getPort();
      ZeroTierNode clash = net.member("h").port(port).build();
      assertThatThrownBy(clash::start).isInstanceOf(java.net.BindException.class)
          .hasMessageContaining("127.0.0.1/" + port);
      assertThat(clash.status()).isEqualTo(ZeroTierNode.Status.STOPPED);
    }
  }
}
