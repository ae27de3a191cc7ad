package io.zt4j.node.vl1;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.wire.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathAndScopeTest {
  static InetAddress a(String s) {
    return InetAddress.fromString(s).orElseThrow();
  }

  @Test
  void scopesFollowZeroTiersClassification() {
    assertThat(IpScope.of(a("10.1.2.3/1"))).isEqualTo(IpScope.PRIVATE);
    assertThat(IpScope.of(a("172.16.0.1/1"))).isEqualTo(IpScope.PRIVATE);
    assertThat(IpScope.of(a("172.32.0.1/1"))).isEqualTo(IpScope.GLOBAL);
    assertThat(IpScope.of(a("192.168.1.1/1"))).isEqualTo(IpScope.PRIVATE);
    assertThat(IpScope.of(a("100.64.0.1/1"))).isEqualTo(IpScope.PRIVATE);
    assertThat(IpScope.of(a("100.128.0.1/1"))).isEqualTo(IpScope.GLOBAL);
    assertThat(IpScope.of(a("203.0.113.5/1"))).isEqualTo(IpScope.PRIVATE);
    assertThat(IpScope.of(a("198.51.100.5/1"))).isEqualTo(IpScope.PRIVATE);
    assertThat(IpScope.of(a("198.19.0.1/1"))).isEqualTo(IpScope.PRIVATE);
    assertThat(IpScope.of(a("127.0.0.1/1"))).isEqualTo(IpScope.LOOPBACK);
    assertThat(IpScope.of(a("169.254.1.1/1"))).isEqualTo(IpScope.LINK_LOCAL);
    assertThat(IpScope.of(a("224.0.0.1/1"))).isEqualTo(IpScope.MULTICAST);
    assertThat(IpScope.of(a("240.0.0.1/1"))).isEqualTo(IpScope.PSEUDOPRIVATE);
    assertThat(IpScope.of(a("28.1.1.1/1"))).isEqualTo(IpScope.PSEUDOPRIVATE);
    assertThat(IpScope.of(a("0.1.1.1/1"))).isEqualTo(IpScope.NONE);
    assertThat(IpScope.of(a("1.2.3.4/1"))).isEqualTo(IpScope.GLOBAL);
    assertThat(IpScope.of(a("::1/1"))).isEqualTo(IpScope.LOOPBACK);
    assertThat(IpScope.of(a("::/1"))).isEqualTo(IpScope.NONE);
    assertThat(IpScope.of(a("fe80::1/1"))).isEqualTo(IpScope.LOOPBACK);
    assertThat(IpScope.of(a("fe80::2/1"))).isEqualTo(IpScope.LINK_LOCAL);
    assertThat(IpScope.of(a("fd99::1/1"))).isEqualTo(IpScope.PRIVATE);
    assertThat(IpScope.of(a("ff02::1/1"))).isEqualTo(IpScope.MULTICAST);
    assertThat(IpScope.of(a("::ffff:127.0.0.1/1"))).isEqualTo(IpScope.LOOPBACK);
    assertThat(IpScope.of(a("2001:db8::1/1"))).isEqualTo(IpScope.GLOBAL);
    assertThat(IpScope.of(InetAddress.NIL)).isEqualTo(IpScope.NONE);
  }

  @Test
  void onlyRoutableScopesCarryPathsAndLoopbackOnlyWhenAllowed() {
    assertThat(Path.isAddressValidForPath(a("10.0.0.1/9993"), false)).isTrue();
    assertThat(Path.isAddressValidForPath(a("1.2.3.4/9993"), false)).isTrue();
    assertThat(Path.isAddressValidForPath(a("127.0.0.1/9993"), false)).isFalse();
    assertThat(Path.isAddressValidForPath(a("127.0.0.1/9993"), true)).isTrue();
    assertThat(Path.isAddressValidForPath(a("169.254.0.1/9993"), true)).isFalse();
    assertThat(Path.isAddressValidForPath(a("2001:470::1/9993"), false)).isFalse();
    assertThat(Path.isAddressValidForPath(a("2001:471::1/9993"), false)).isTrue();
    assertThat(Path.isAddressValidForPath(InetAddress.NIL, true)).isFalse();
  }

  @Test
  void qualityPrefersLiveLowLatencyPrivatePaths() {
    long now = 1_000_000;
    Path lan = new Path(0, a("10.0.0.2/9993"));
    Path wan = new Path(0, a("1.2.3.4/9993"));
    lan.received(now);
    wan.received(now);
    lan.updateLatency(40);
    wan.updateLatency(10);
    // Scope scaling: 40*1 < 10*4 is false (40 == 40); a private path wins ties.
    assertThat(lan.quality(now)).isLessThanOrEqualTo(wan.quality(now));
    lan.updateLatency(20); // (40+20)/2 = 30
    assertThat(lan.latencyMillis()).isEqualTo(30);
    assertThat(lan.quality(now)).isLessThan(wan.quality(now));
    // A silent path loses to any live one.
    assertThat(lan.alive(now + 19_000)).isFalse();
    wan.received(now + 19_000);
    assertThat(wan.quality(now + 19_000)).isLessThan(lan.quality(now + 19_000));
  }

  @Test
  void echoRequestsAreRateLimitedPerPath() {
    Path p = new Path(0, a("1.2.3.4/1"));
    assertThat(p.rateGateEchoRequest(1000)).isTrue();
    assertThat(p.rateGateEchoRequest(1100)).isFalse();
    assertThat(p.rateGateEchoRequest(1166)).isTrue();
  }

  @Test
  void expectedRepliesRememberRecentIdsOnly() {
    ExpectedReplies r = new ExpectedReplies();
    r.expect(0x1234567800000000L);
    assertThat(r.expecting(0x12345678ffffffffL)).isTrue();
    assertThat(r.expecting(0x1234567900000000L)).isFalse();
    // 32 newer ids in the same bucket push it out.
    for (int i = 1; i <= 32; i++) {
      r.expect(((long) (0x12345678 + (i << 8))) << 32);
    }
    assertThat(r.expecting(0x1234567800000000L)).isFalse();
  }

  @Test
  void selfAwarenessBelievesSameScopeReportsAndResetsOnTrustedChange() {
    List<String> resets = new ArrayList<>();
    SelfAwareness sa = new SelfAwareness((scope, fam, now) -> resets.add(scope + "/" + fam));
    long t = 1_000_000;
    InetAddress root = a("1.1.1.1/9993");
    sa.iam(0xaa, 0, root, a("2.2.2.2/5000"), true, t);
    sa.iam(0xbb, 0, a("10.0.0.5/9993"), a("2.2.2.2/5000"), false, t); // scope mismatch: ignored
    sa.iam(0xbb, 0, a("3.3.3.3/9993"), a("127.0.0.1/5000"), false, t); // loopback: ignored
    assertThat(sa.whoami()).containsExactly(a("2.2.2.2/5000"));
    assertThat(resets).isEmpty();
    sa.iam(0xaa, 0, root, a("2.2.2.2/6000"), true, t + 10); // same IP, other port: no reset
    assertThat(resets).isEmpty();
    sa.iam(0xaa, 0, root, a("4.4.4.4/6000"), true, t + 20);
    assertThat(resets).containsExactly("GLOBAL/V4");
    assertThat(sa.whoami()).containsExactly(a("4.4.4.4/6000"));
    sa.clean(t + 20 + Vl1Constants.SELFAWARENESS_ENTRY_TIMEOUT_MILLIS);
    assertThat(sa.whoami()).isEmpty();
  }
}
