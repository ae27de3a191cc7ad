package io.zt4j.stack.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AddressTest {
  @Test
  void ipv4IsStoredMapped() {
    IpAddress a = IpAddress.parse("10.9.0.1");
    assertThat(a.isV4()).isTrue();
    assertThat(a.hi()).isZero();
    assertThat(a.lo()).isEqualTo(0x0000_FFFF_0A09_0001L);
    assertThat(a.v4()).isEqualTo(0x0A09_0001);
    assertThat(a).hasToString("10.9.0.1");
    assertThat(a.toBytes()).containsExactly(10, 9, 0, 1);
    assertThat(IpAddress.ANY_V4.isUnspecified()).isTrue();
    assertThat(IpAddress.ANY_V4).isNotEqualTo(IpAddress.ANY_V6);
  }

  @Test
  void ipv6TextIsRfc5952() {
    assertThat(IpAddress.parse("fd09:0:0:0:0:0:0:1")).hasToString("fd09::1");
    assertThat(IpAddress.parse("2001:db8:0:0:1:0:0:1")).hasToString("2001:db8::1:0:0:1");
    assertThat(IpAddress.parse("2001:db8:0:1:1:1:1:1")).hasToString("2001:db8:0:1:1:1:1:1");
    assertThat(IpAddress.parse("::")).hasToString("::");
    assertThat(IpAddress.parse("::1")).isEqualTo(IpAddress.LOOPBACK_V6);
    assertThat(IpAddress.parse("ff02::1")).isEqualTo(IpAddress.ALL_NODES);
    assertThat(IpAddress.parse("64:ff9b::10.0.0.1")).hasToString("64:ff9b::a00:1");
    assertThat(IpAddress.parse("FE80::ff:FE00:1").isLinkLocal()).isTrue();
  }

  @Test
  void parseRejectsGarbage() {
    for (String bad : new String[] {"", "1.2.3", "1.2.3.256", "1.2.3.4.5", "1:2", ":::", "1::2::3", "12345::",
        "1:2:3:4:5:6:7:8:9", "g::1", "1.2.3.-4", "::+1", "a.b.c.d"}) {
      assertThatThrownBy(() -> IpAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void classification() {
    assertThat(IpAddress.parse("224.0.0.251").isMulticast()).isTrue();
    assertThat(IpAddress.parse("10.0.0.1").isMulticast()).isFalse();
    assertThat(IpAddress.parse("ff05::2").isMulticast()).isTrue();
    assertThat(IpAddress.parse("ff02::2").isLinkLocalMulticast()).isTrue();
    assertThat(IpAddress.parse("ff05::2").isLinkLocalMulticast()).isFalse();
    assertThat(IpAddress.parse("169.254.3.4").isLinkLocal()).isTrue();
    assertThat(IpAddress.BROADCAST_V4.isLimitedBroadcast()).isTrue();
    assertThat(IpAddress.parse("127.1.2.3").isLoopback()).isTrue();
  }

  /** RFC 4291 §2.7.1 and RFC 2464 §7 / RFC 1112 §6.4 mappings. */
  @Test
  void multicastMappings() {
    IpAddress a = IpAddress.parse("fd09::12:3456");
    assertThat(a.solicitedNode()).isEqualTo(IpAddress.parse("ff02::1:ff12:3456"));
    assertThat(MacAddress.toString(a.solicitedNode().multicastMac())).isEqualTo("33:33:ff:12:34:56");
    assertThat(MacAddress.toString(IpAddress.parse("239.129.2.3").multicastMac())).isEqualTo("01:00:5e:01:02:03");
  }

  @Test
  void macText() {
    long m = MacAddress.parse("02:00:0A:ff:00:01");
    assertThat(m).isEqualTo(0x02000AFF0001L);
    assertThat(MacAddress.toString(m)).isEqualTo("02:00:0a:ff:00:01");
    assertThat(MacAddress.isMulticast(0x333300000001L)).isTrue();
    assertThat(MacAddress.isUnicast(m)).isTrue();
    assertThat(MacAddress.isBroadcast(MacAddress.BROADCAST)).isTrue();
    assertThatThrownBy(() -> MacAddress.parse("02:00:0a:ff:00")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void prefixes() {
    IpPrefix p = IpPrefix.parse("10.9.0.5/24");
    assertThat(p.contains(IpAddress.parse("10.9.0.200"))).isTrue();
    assertThat(p.contains(IpAddress.parse("10.9.1.1"))).isFalse();
    assertThat(p.network()).isEqualTo(IpPrefix.parse("10.9.0.0/24"));
    assertThat(IpAddress.ofV4(p.v4Broadcast())).isEqualTo(IpAddress.parse("10.9.0.255"));
    assertThat(IpPrefix.parse("0.0.0.0/0").contains(IpAddress.parse("1.2.3.4"))).isTrue();
    assertThat(IpPrefix.parse("0.0.0.0/0").contains(IpAddress.parse("::1"))).isFalse();
    assertThat(IpPrefix.parse("::/0").contains(IpAddress.parse("1.2.3.4"))).isFalse();
    assertThat(IpPrefix.parse("::/0").contains(IpAddress.parse("2001::1"))).isTrue();
    assertThat(IpPrefix.parse("fd09::/64").contains(IpAddress.parse("fd09::ffff:1"))).isTrue();
    assertThat(IpPrefix.parse("fd09::/65").contains(IpAddress.parse("fd09::8000:0:0:1"))).isFalse();
    assertThat(IpPrefix.parse("fd09::1").length()).isEqualTo(128);
    assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void v4TextRoundTripsLikeTheJdk(@ForAll int bits) throws Exception {
    IpAddress a = IpAddress.ofV4(bits);
    assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
    assertThat(a.toInetAddress().getHostAddress()).isEqualTo(a.toString());
  }

  @Property
  void v6TextRoundTrips(@ForAll long hi, @ForAll long lo, @ForAll @IntRange(min = 0, max = 7) int zeroRun) throws Exception {
    // Force runs of zero words so '::' compression is exercised.
    long mask = zeroRun == 0 ? -1L : ~(-1L >>> (zeroRun * 8));
    IpAddress a = IpAddress.of(hi & mask, lo & (zeroRun > 3 ? mask : -1L));
    if (a.isV4()) {
      return;
    }
    assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
    assertThat(IpAddress.of(InetAddress.getByName(a.toString()))).isEqualTo(a);
  }
}
