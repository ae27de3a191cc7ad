package io.zt4j.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.portmap.FakeIgd;
import io.zt4j.testkit.portmap.FakeNatPmpServer;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The builder's transport options (secondary port, port mapping), on 127.0.0.1 with a planet whose root is silent. */
class TransportOptionsTest {
  static World planet;
  /** One identity for every node here (they never run at the same time): generating takes seconds. */
  static String identity;

  @BeforeAll
  static void planet() throws Exception {
    int silent;
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))) {
      silent = probe.getLocalPort();
    }
    Identity rootId = Identity.generate(new SecureRandom());
    identity = Identity.generate(new SecureRandom()).toString(true);
    planet = World.make(World.Type.PLANET, 0x7e58L, 1L, rootId.publicKey(),
        List.of(new World.Root(rootId.withoutPrivateKey(), List.of(InetAddress.fromString("127.0.0.1/" + silent).orElseThrow()))),
        rootId.privateKey().orElseThrow());
  }

  @Test
  void aSecondaryPortIsBoundOnTheSameAddressesAndListed() throws Exception {
    try (ZeroTierNode node = ZeroTierNode.builder().identity(identity).planet(planet).loopbackOnly().port(0).secondaryPort(0)
        .name("secondary").build().start()) {
      List<InetSocketAddress> locals = node.localAddresses();
      assertThat(locals).hasSize(2);
      assertThat(locals.get(1).getAddress()).isEqualTo(locals.get(0).getAddress());
      assertThat(locals.get(1).getPort()).isBetween(20000, 65535).isNotEqualTo(locals.get(0).getPort());
    }
    try (ZeroTierNode node = ZeroTierNode.builder().identity(identity).planet(planet).loopbackOnly().port(0).name("primary-only")
        .build().start()) {
      assertThat(node.localAddresses()).hasSize(1);
    }
  }

  @Test
  void aSecondaryPortOutOfRangeIsRejected() {
    assertThatThrownBy(() -> ZeroTierNode.builder().secondaryPort(65536)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65536");
  }
  @Test
  void portMappingIsOffByDefaultSoTheRouterHearsNothingEvenWhenItsAddressIsGiven() throws Exception {
    try (FakeNatPmpServer natpmp = new FakeNatPmpServer(); FakeIgd igd = new FakeIgd()) {
      try (ZeroTierNode node = ZeroTierNode.builder().identity(identity).planet(planet).loopbackOnly().port(0)
          .portMappingRouter(natpmp.address(), igd.ssdpAddress()).name("no-portmap").build().start()) {
        Thread.sleep(500);
        assertThat(node.mappedAddress()).isEmpty();
        assertThat(node.localAddresses()).hasSize(1);
      }
      assertThat(natpmp.requests()).isEmpty();
      assertThat(igd.ssdpPackets()).isZero();
      assertThat(igd.httpRequests()).isZero();
    }
  }

  @Test
  void withPortMappingTheRoutersAddressIsTheNodesAndTheMappingGoesAtClose() throws Exception {
    try (FakeNatPmpServer natpmp = new FakeNatPmpServer(); FakeIgd igd = new FakeIgd()) {
      int mapped;
      try (ZeroTierNode node = ZeroTierNode.builder().identity(identity).planet(planet).loopbackOnly().port(0).portMapping(true)
          .portMappingRouter(natpmp.address(), igd.ssdpAddress()).name("portmap").build().start()) {
        mapped = node.localAddresses().get(1).getPort();
        long until = System.currentTimeMillis() + 10_000;
        while (node.mappedAddress().isEmpty() && System.currentTimeMillis() < until) {
          Thread.sleep(20);
        }
        assertThat(node.mappedAddress()).hasValue(new InetSocketAddress("203.0.113.7", mapped));
        assertThat(natpmp.mappings()).containsEntry(mapped, mapped);
      }
      assertThat(natpmp.mappings()).isEmpty();
      assertThat(igd.ssdpPackets()).as("NAT-PMP worked: UPnP not needed").isZero();
    }
  }
}
