package io.zt4j.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ZeroTierNetworkTest {
  @Test
  void printsTheNetworkIdInHexEvenWithTheHighBitSet() {
    ZeroTierNetwork n = new ZeroTierNetwork(0xfc793acd713f6e40L, "interop", ZeroTierNetwork.Status.OK,
        "42:f7:15:3e:eb:f7", 2800, true, true, List.of(), List.of(), true);
    assertThat(n.networkIdString()).isEqualTo("fc793acd713f6e40");
    assertThat(n.toString()).contains("fc793acd713f6e40").contains("interop").contains("ready")
        .doesNotContain("-254107249927033280");
  }
}
