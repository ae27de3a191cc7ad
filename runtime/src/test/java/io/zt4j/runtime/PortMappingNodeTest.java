package io.zt4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.wire.InetAddress;
import io.zt4j.runtime.portmap.PortMapper;
import io.zt4j.testkit.portmap.FakeNatPmpServer;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A node with port mapping on, against a fake NAT-PMP gateway on 127.0.0.1. */
class PortMappingNodeTest {

  @Test
  void theMappedAddressIsAdvertisedAndTheMappingDeletedAtStop() throws Exception {
    try (FakeNatPmpServer gw = new FakeNatPmpServer()) {
      PortMapper.Config c = PortMapper.Config.defaults().withProtocols(true, false).withNatPmpGateway(gw.address())
          .withSsdpTarget(new InetSocketAddress(gw.address().getAddress(), 9)).withTimeouts(100, 3, 200);
      NodeRunner n = NodeRunner.start(new NodeRunner.Options().identity(NodeRunnerTest.identities().get(3)).bind(NodeRunnerTest.loopback(0)).allowLoopbackPaths(true)
          .portMapping(c).name("portmap-node"));
      int mapped;
      try {
        // a third port, on the bound address, is the one mapped (ZeroTier One's tertiary port)
        List<InetSocketAddress> locals = n.localAddresses();
        assertThat(locals).hasSize(2);
        mapped = locals.get(1).getPort();
        assertThat(mapped).isNotEqualTo(locals.get(0).getPort()).isGreaterThanOrEqualTo(UdpTransport.RANDOM_PORT_BASE);
        String external = "203.0.113.7/" + mapped;
        long until = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < until
            && n.call(node -> node.localInterfaceAddresses()).stream().noneMatch(a -> a.toString().equals(external))) {
          Thread.sleep(20);
        }
        List<InetAddress> advertised = n.call(node -> node.localInterfaceAddresses());
        assertThat(advertised.stream().map(Object::toString)).containsExactlyInAnyOrder(external,
            "127.0.0.1/" + locals.get(0).getPort(), "127.0.0.1/" + mapped);
        assertThat(gw.mapRequests().get(0).internalPort()).isEqualTo(mapped);
        assertThat(gw.mapRequests().get(0).lifetime()).isEqualTo(600);
        assertThat(n.portMapper().orElseThrow().external()).hasValue(new InetSocketAddress("203.0.113.7", mapped));
      } finally {
        n.close();
      }
      assertThat(gw.mappings()).isEmpty();
      FakeNatPmpServer.Request last = gw.mapRequests().get(gw.mapRequests().size() - 1);
      assertThat(last.internalPort()).isEqualTo(mapped);
      assertThat(last.lifetime()).isZero();
    }
  }

  @Test
  void withoutPortMappingNoRouterIsAskedAndNoExtraPortIsBound() throws Exception {
    try (FakeNatPmpServer gw = new FakeNatPmpServer()) {
      try (NodeRunner n = NodeRunner.start(new NodeRunner.Options().identity(NodeRunnerTest.identities().get(3)).bind(NodeRunnerTest.loopback(0))
          .allowLoopbackPaths(true).name("portmap-off"))) {
        assertThat(n.portMapper()).isEmpty();
        assertThat(n.localAddresses()).hasSize(1);
        Thread.sleep(300);
      }
      assertThat(gw.requests()).isEmpty();
    }
  }
}
