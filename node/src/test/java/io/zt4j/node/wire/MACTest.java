package io.zt4j.node.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MACTest {
  static final long LAB_NETWORK = 0x2b53dd2a51a1b2c3L;

  /** The lab members' tap MACs as ZeroTier One assigned them (vectors README). */
  @Test
  void derivesTheLabMembersMacs() {
    assertThat(MAC.fromAddress(0xd5f97e2e50L, LAB_NETWORK).toString()).isEqualTo("c2:67:58:2f:04:8d");
    assertThat(MAC.fromAddress(0xfb8e8ac629L, LAB_NETWORK).toString()).isEqualTo("c2:49:2f:db:ec:f4");
    assertThat(MAC.fromString("c2:67:58:2f:04:8d").orElseThrow().toAddress(LAB_NETWORK)).isEqualTo(0xd5f97e2e50L);
  }

  @Test
  void firstOctetAvoidsKvmPrefix() {
    assertThat(MAC.firstOctetForNetwork(0x52)).isEqualTo(0x32);
    assertThat(MAC.firstOctetForNetwork(0x53)).isEqualTo(0x32);
    assertThat(MAC.firstOctetForNetwork(0x01)).isEqualTo(0x02);
    assertThat(MAC.firstOctetForNetwork(0xc3)).isEqualTo(0xc2);
  }

  @Test
  void decodeAndEncodeLiteralBytes() {
    byte[] b = HexFormat.of().parseHex("c267582f048d");
    MAC m = MAC.parse(b, 0, 6).value();
    assertThat(m.value()).isEqualTo(0xc267582f048dL);
    assertThat(m.bytes()).isEqualTo(b);
    assertThat(m.isLocallyAdministered()).isTrue();
    assertThat(m.isMulticast()).isFalse();
    assertThat(MAC.BROADCAST.isBroadcast()).isTrue();
    assertThat(MAC.of(0x33, 0x33, 0xff, 1, 2, 3).isMulticast()).isTrue();
    assertThat(MAC.parse(b, 0, 5).reason()).isEqualTo(DropReason.TRUNCATED);
  }

  @Test
  void rejectsWideValuesAndBadText() {
    assertThatThrownBy(() -> new MAC(1L << 48)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MAC.fromAddress(1L << 40, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(MAC.fromString("c2:67:58:2f:04")).isEmpty();
    assertThat(MAC.fromString("c2:67:58:2f:04:8g")).isEmpty();
    assertThat(MAC.fromString("c2.67.58.2f.04.8d")).isEmpty();
  }

  @Property
  void addressRoundTrip(@ForAll @LongRange(min = 0, max = 0xFFFFFFFFFFL) long addr, @ForAll long nwid) {
    MAC m = MAC.fromAddress(addr, nwid);
    assertThat(m.toAddress(nwid)).isEqualTo(addr);
    assertThat(m.octet(0)).isEqualTo(MAC.firstOctetForNetwork(nwid));
    assertThat(m.isMulticast()).isFalse();
    assertThat(m.isLocallyAdministered()).isTrue();
  }

  @Property
  void bytesAndTextRoundTrip(@ForAll @LongRange(min = 0, max = 0xFFFFFFFFFFFFL) long v) {
    MAC m = new MAC(v);
    assertThat(MAC.parse(m.bytes(), 0, 6).value()).isEqualTo(m);
    assertThat(MAC.fromString(m.toString())).contains(m);
  }

  @Property
  void randomBytesNeverThrow(@ForAll @Size(max = 8) byte[] junk) {
    Parsed<MAC> p = MAC.parse(junk, 0, junk.length);
    assertThat(p.isOk()).isEqualTo(junk.length >= 6);
  }
}
