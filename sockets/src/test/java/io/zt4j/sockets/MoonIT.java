package io.zt4j.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import io.zt4j.runtime.NodeRunner;
import java.io.DataInputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Orbiting a moon from the public API, over loopback UDP: a moon root runs beside the planet's
 * root; the controller and one node orbit the moon through a seed (found via the planet's root),
 * then the planet's root goes away, and a second node given the moon's definition comes online,
 * joins the network and talks TCP with the first — all through the moon.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MoonIT {
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void aNodeReachesTheNetworkThroughAMoonWhenThePlanetRootIsGone() throws Exception {
    long t0 = System.nanoTime();
    try (LocalNetwork net = new LocalNetwork()) {
      java.net.InetAddress lo = java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
      int port;
      try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(lo, 0))) {
        port = probe.getLocalPort();
      }
      Identity moonRootId = Identity.generate(LocalNetwork.RANDOM);
      long moonId = moonRootId.address().toLong();
      World moon = World.make(World.Type.MOON, moonId, 1L, moonRootId.publicKey(),
          List.of(new World.Root(moonRootId.withoutPrivateKey(),
              List.of(InetAddress.fromString("127.0.0.1/" + port).orElseThrow()))),
          moonRootId.privateKey().orElseThrow());
      String moonHex = String.format("%016x", moonId);
      String seed = moonRootId.address().toString();
      NodeRunner moonRoot = NodeRunner.start(new NodeRunner.Options().identity(moonRootId).planet(net.planet)
          .bind(new InetSocketAddress(lo, port)).allowLoopbackPaths(true).moon(moon).name("test-moon-root"));
      try {
        System.out.printf("%d ms: planet, controller and moon root up%n", (System.nanoTime() - t0) / 1_000_000);
        // the controller and node a orbit through the seed, found via the planet's root
        net.controllerNode.call(n -> {
          n.orbit(moonId, moonRootId.address(), net.controllerNode.now());
          return null;
        });
        try (ZeroTierNode a = net.member("moon-a").orbit(moonHex, seed).build().start()) {
          await("controller has the moon", () -> net.controllerNode.call(n -> n.moons().size()) == 1);
          await("a has the moon", () -> a.moons().size() == 1);
          ZeroTierMoon m = a.moons().get(0);
          assertThat(m.worldIdString()).isEqualTo(moonHex);
          assertThat(m.roots()).containsExactly(seed);
          await("a sees the moon root as a moon", () -> a.peers().stream()
              .anyMatch(p -> p.nodeId().equals(seed) && p.role() == ZeroTierPeer.Role.MOON));

          System.out.printf("%d ms: a orbits the moon%n", (System.nanoTime() - t0) / 1_000_000);
          net.root.close(); // the planet's root is gone from here on
          net.root.join();

          // b knows the moon from its definition alone: no root of the planet is reachable
          try (ZeroTierNode b = net.member("moon-b").moon(moon.serialize()).build().start()) {
            b.awaitOnline(Duration.ofSeconds(30));
            System.out.printf("%d ms: b online through the moon alone%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(b.moons()).extracting(ZeroTierMoon::worldId).containsExactly(moonId);
            for (ZeroTierNode n : List.of(a, b)) {
              net.authorize(n.nodeId());
              n.join(net.networkId);
            }
            java.net.InetAddress aIp = a.awaitNetworkReady(net.networkId, Duration.ofSeconds(60)).ipv4().orElseThrow();
            b.awaitNetworkReady(net.networkId, Duration.ofSeconds(60));
            System.out.printf("%d ms: a and b joined through the moon%n", (System.nanoTime() - t0) / 1_000_000);
            try (ServerSocket ss = a.serverSocket(7)) {
              CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                try (Socket s = ss.accept()) {
                  byte[] buf = new byte[4];
                  new DataInputStream(s.getInputStream()).readFully(buf);
                  s.getOutputStream().write(buf);
                  return new String(buf, java.nio.charset.StandardCharsets.US_ASCII);
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
              try (Socket c = b.socket(aIp, 7)) {
                c.getOutputStream().write("moon".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] back = new byte[4];
                new DataInputStream(c.getInputStream()).readFully(back);
                assertThat(new String(back, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("moon");
              }
              assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo("moon");
            }
          }
          a.deorbit(moonHex);
          assertThat(a.moons()).isEmpty();
        }
      } finally {
        moonRoot.close();
      }
    }
  }

  @Test
  void badMoonArgumentsSayWhatIsWrong() throws Exception {
    ZeroTierNode.Builder b = ZeroTierNode.builder();
    assertThatThrownBy(() -> b.orbit("123", "0123456789")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("world ID");
    assertThatThrownBy(() -> b.orbit("0123456789abcdef", "xyz")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("address");
    Identity id = Identity.generate(LocalNetwork.RANDOM);
    World planet = World.make(World.Type.PLANET, 1L, 1L, id.publicKey(), List.of(new World.Root(id.withoutPrivateKey(),
        List.of(InetAddress.fromString("127.0.0.1/9993").orElseThrow()))), id.privateKey().orElseThrow());
    assertThatThrownBy(() -> b.moon(planet)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("planet");
    ZeroTierNode n = ZeroTierNode.builder().planet(planet).loopbackOnly().port(0).moon(planet.serialize()).build();
    assertThatThrownBy(n::start).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a ZeroTier moon");
  }
}
