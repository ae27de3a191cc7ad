package io.zt4j.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.Node;
import io.zt4j.node.wire.World;
import io.zt4j.testkit.simnet.SimNetwork;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * ZeroTier's public planet is built in: byte-identical to ZeroTier One 1.14's
 * {@code ZT_DEFAULT_WORLD} (570 bytes; its SHA-256 below), and used by a node given no planet.
 */
class EarthPlanetTest {
  /** SHA-256 of ZeroTier One 1.14.1's {@code ZT_DEFAULT_WORLD} (node/Topology.cpp). */
  static final String ZT_DEFAULT_WORLD_SHA256 = "d85620dee418cd7efc5558b6a50b2a8ac34792764d074fa55d752952e48da470";

  @Test
  void theBuiltInPlanetIsZeroTiersDefaultWorld() throws Exception {
    World earth = Node.earth();
    byte[] bytes = earth.serialize();
    assertThat(bytes).hasSize(570);
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).isEqualTo(ZT_DEFAULT_WORLD_SHA256);
    assertThat(earth.type()).isEqualTo(World.Type.PLANET);
    assertThat(earth.id()).isEqualTo(149604618L);
    assertThat(earth.timestamp()).isEqualTo(1644592324813L);
    assertThat(earth.roots()).hasSize(4);
    assertThat(earth.roots()).allSatisfy(r -> {
      assertThat(r.stableEndpoints()).isNotEmpty();
      assertThat(r.stableEndpoints()).allMatch(e -> e.port() == 9993);
      assertThat(r.identity().locallyValidate()).isTrue();
    });
  }

  @Test
  void aNodeGivenNoPlanetUsesIt() {
    SimNetwork net = new SimNetwork(5);
    SimNode n = new SimNode(net, "n", net.internet().addHost("n", "2.0.0.2"), 9993, TestIdentities.get(2), null, 2).start();
    assertThat(n.node().vl1().topology().planet()).isEqualTo(Node.earth());
    assertThat(n.node().status().planetId()).isEqualTo(149604618L);
  }
}
