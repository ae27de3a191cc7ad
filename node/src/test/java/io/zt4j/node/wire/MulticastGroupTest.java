package io.zt4j.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MulticastGroupTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  /** ARP for member b's address 10.147.17.146 goes to ff:ff:ff:ff:ff:ff / 0a931192. */
  @Test
  void arpUsesBroadcastWithTheIpv4AddressAsAdi() {
    MulticastGroup g = MulticastGroup.forAddressResolution(InetAddress.fromString("10.147.17.146").orElseThrow());
    assertThat(g.mac()).isEqualTo(MAC.BROADCAST);
    assertThat(g.adi()).isEqualTo(0x0a931192L);
    assertThat(g.serialize()).isEqualTo(hex("ffffffffffff 0a931192"));
    assertThat(g.toString()).isEqualTo("ff:ff:ff:ff:ff:ff/0a931192");
    MulticastGroup high = MulticastGroup.forAddressResolution(InetAddress.fromString("255.1.2.3").orElseThrow());
    assertThat(high.adi()).isEqualTo(0xff010203L);
  }

  @Test
  void ndpUsesTheSolicitedNodeMac() {
    MulticastGroup g = MulticastGroup.forAddressResolution(
        InetAddress.fromString("fd2b:53dd:2a51:a1b2:c399:93fb:8e8a:c629").orElseThrow());
    assertThat(g.mac().toString()).isEqualTo("33:33:ff:8a:c6:29");
    assertThat(g.adi()).isZero();
  }

  @Test
  void decodesLiteralBytes() {
    byte[] b = hex("3333ff8ac629 00000000 ffffffffffff 0a9311e9");
    MulticastGroup g1 = MulticastGroup.parse(b, 0, b.length).value();
    MulticastGroup g2 = MulticastGroup.parse(b, 10, b.length - 10).value();
    assertThat(g1).isEqualTo(new MulticastGroup(MAC.of(0x33, 0x33, 0xff, 0x8a, 0xc6, 0x29), 0));
    assertThat(g2).isEqualTo(new MulticastGroup(MAC.BROADCAST, 0x0a9311e9L));
    assertThat(g1).isLessThan(g2);
    assertThat(MulticastGroup.parse(b, 0, 9).reason()).isEqualTo(DropReason.TRUNCATED);
  }

  @Property
  void roundTrip(@ForAll @LongRange(min = 0, max = 0xFFFFFFFFFFFFL) long mac,
      @ForAll @LongRange(min = 0, max = 0xFFFFFFFFL) long adi) {
    MulticastGroup g = new MulticastGroup(new MAC(mac), adi);
    assertThat(MulticastGroup.parse(g.serialize(), 0, 10)).isEqualTo(Parsed.ok(g, 10));
  }

  @Property
  void randomBytesNeverThrow(@ForAll @Size(max = 12) byte[] junk) {
    assertThat(MulticastGroup.parse(junk, 0, junk.length).isOk()).isEqualTo(junk.length >= 10);
  }
}
