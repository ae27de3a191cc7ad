package io.zt4j.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.node.NodeConfig.PhysicalPathMtu;
import io.zt4j.node.wire.InetAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
  static InetAddress a(String s) {
    return InetAddress.fromString(s).orElseThrow();
  }

  @Test
  void physicalPathMtuMatchesItsPrefixOnly() {
    PhysicalPathMtu lo = new PhysicalPathMtu(a("127.0.0.0/8"), 9000);
    assertThat(lo.contains(a("127.0.0.1/9993"))).isTrue();
    assertThat(lo.contains(a("127.255.1.2/1"))).isTrue();
    assertThat(lo.contains(a("128.0.0.1/9993"))).isFalse();
    assertThat(lo.contains(a("::1/9993"))).isFalse();
    PhysicalPathMtu odd = new PhysicalPathMtu(a("10.1.64.0/19"), 1500);
    assertThat(odd.contains(a("10.1.95.255/1"))).isTrue();
    assertThat(odd.contains(a("10.1.96.0/1"))).isFalse();
    assertThat(odd.contains(a("10.1.63.255/1"))).isFalse();
    PhysicalPathMtu v6 = new PhysicalPathMtu(a("::1/128"), 9000);
    assertThat(v6.contains(a("::1/9993"))).isTrue();
    assertThat(v6.contains(a("::2/9993"))).isFalse();
    assertThat(new PhysicalPathMtu(a("0.0.0.0/0"), 1500).contains(a("203.0.113.9/1"))).isTrue();
  }

  @Test
  void physicalPathMtuIsClampedLikeZeroTier() {
    assertThat(new PhysicalPathMtu(a("10.0.0.0/8"), 0).mtu()).isEqualTo(1432);
    assertThat(new PhysicalPathMtu(a("10.0.0.0/8"), 500).mtu()).isEqualTo(1400);
    assertThat(new PhysicalPathMtu(a("10.0.0.0/8"), 65535).mtu()).isEqualTo(10324);
    assertThat(new PhysicalPathMtu(a("10.0.0.0/8"), 2000).mtu()).isEqualTo(2000);
    assertThatThrownBy(() -> new PhysicalPathMtu(a("10.0.0.0/33"), 2000)).isInstanceOf(IllegalArgumentException.class);
    NodeConfig.Builder b = NodeConfig.builder(new SplittableRandom(1));
    for (int i = 0; i < NodeConfig.MAX_CONFIGURABLE_PATHS; i++) {
      b.physicalPathMtu(a("10." + i + ".0.0/16"), 2000);
    }
    assertThatThrownBy(() -> b.physicalPathMtu(a("11.0.0.0/8"), 2000)).isInstanceOf(IllegalArgumentException.class);
    assertThat(b.build().physicalPathMtus()).hasSize(NodeConfig.MAX_CONFIGURABLE_PATHS);
  }
}
