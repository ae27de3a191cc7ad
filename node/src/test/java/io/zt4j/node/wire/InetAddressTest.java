package io.zt4j.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.testkit.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class InetAddressTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  /** The planet's stable endpoints, bytes 250..275 of planet/planet (see planet.txt). */
  @Test
  void decodesThePlanetEndpoints() {
    byte[] b = hex("04 0a630001 2709  06 fd990000000000000000000000000001 2709");
    Parsed<InetAddress> first = InetAddress.parse(b, 0, b.length);
    assertThat(first.length()).isEqualTo(7);
    assertThat(first.value().isV4()).isTrue();
    assertThat(first.value().toString()).isEqualTo("10.99.0.1/9993");
    Parsed<InetAddress> second = InetAddress.parse(b, 7, b.length - 7);
    assertThat(second.length()).isEqualTo(19);
    assertThat(second.value().toString()).isEqualTo("fd99::1/9993");
    assertThat(second.value().port()).isEqualTo(9993);
  }

  @Test
  void encodesToLiteralBytes() {
    assertThat(InetAddress.fromString("10.99.0.1/9993").orElseThrow().serialize()).isEqualTo(hex("040a6300012709"));
    assertThat(InetAddress.fromString("fd99::1/9993").orElseThrow().serialize())
        .isEqualTo(hex("06fd990000000000000000000000000001 2709"));
    assertThat(InetAddress.NIL.serialize()).isEqualTo(new byte[] {0});
  }

  @Test
  void forwardCompatibleTypesAreSkippedAsNil() {
    byte[] eth = hex("01 112233445566 ff");
    assertThat(InetAddress.parse(eth, 0, eth.length)).isEqualTo(Parsed.ok(InetAddress.NIL, 7));
    byte[] bt = hex("02 112233445566");
    assertThat(InetAddress.parse(bt, 0, bt.length)).isEqualTo(Parsed.ok(InetAddress.NIL, 7));
    byte[] other = hex("03 0003 aabbcc dd");
    assertThat(InetAddress.parse(other, 0, other.length)).isEqualTo(Parsed.ok(InetAddress.NIL, 6));
  }

  @Test
  void badInputIsDroppedWithAReason() {
    assertThat(InetAddress.parse(new byte[0], 0, 0).reason()).isEqualTo(DropReason.TRUNCATED);
    assertThat(InetAddress.parse(hex("040a6300"), 0, 4).reason()).isEqualTo(DropReason.TRUNCATED);
    assertThat(InetAddress.parse(hex("06fd99"), 0, 3).reason()).isEqualTo(DropReason.TRUNCATED);
    assertThat(InetAddress.parse(hex("030005aa"), 0, 4).reason()).isEqualTo(DropReason.TRUNCATED);
    assertThat(InetAddress.parse(hex("05"), 0, 1).reason()).isEqualTo(DropReason.UNKNOWN_TYPE);
    assertThat(InetAddress.parse(hex("ff"), 0, 1).reason()).isEqualTo(DropReason.UNKNOWN_TYPE);
  }

  /** Peer cache files end with the peer's paths: u16 count then serialized InetAddresses. */
  @Test
  void decodesTheEndpointsInTheVectorsPeerCaches() throws IOException {
    byte[] peer = Files.readAllBytes(
        Environment.vectorFile("lab/dualstack/state/a/peers.d/523be43e97.peer"));
    int off = 1 + 71 + 8; // version byte, identity, four u16 versions
    int count = ((peer[off] & 0xFF) << 8) | (peer[off + 1] & 0xFF);
    off += 2;
    List<String> eps = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Parsed<InetAddress> p = InetAddress.parse(peer, off, peer.length - off);
      eps.add(p.value().toString());
      off += p.length();
    }
    assertThat(off).isEqualTo(peer.length);
    assertThat(eps).containsExactly("10.99.0.1/9993", "fd99::1/9993");
  }

  @Test
  void textFormsLikeInetNtop() {
    String[][] cases = {
      {"::", "::"},
      {"::1", "::1"},
      {"1::", "1::"},
      {"fd99:0:0:0:0:0:0:1", "fd99::1"},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
      {"2001:0db8:0000:0001:0000:0000:0000:0001", "2001:db8:0:1::1"},
      {"1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"},
      {"::ffff:10.1.2.3", "::ffff:10.1.2.3"},
      {"::10.1.2.3", "::10.1.2.3"},
      {"FD2B:53DD:2A51:A1B2:C399:93D5:F97E:2E50", "fd2b:53dd:2a51:a1b2:c399:93d5:f97e:2e50"},
      {"fc7a:f26f:e9d5:f97e:2e50::1", "fc7a:f26f:e9d5:f97e:2e50::1"},
    };
    for (String[] c : cases) {
      assertThat(InetAddress.fromIpString(c[0]).orElseThrow().toIpString()).as(c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void invalidTextIsRejected() {
    for (String s : new String[] {
        "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4/", "1.2.3.4/65536", "1.2.3.4/x",
        ":1", "1:", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "1:2:3:4:5:6:7", "g::",
        "::1.2.3", "fe80::1%eth0", "1:2:3:4:5:6:7::8", "hello"}) {
      assertThat(InetAddress.fromString(s)).as(s).isEmpty();
    }
    assertThat(InetAddress.fromString("")).contains(InetAddress.NIL);
    assertThat(InetAddress.fromString("10.0.0.1")).hasValueSatisfying(a -> assertThat(a.port()).isZero());
  }

  /** The order genmoon sorts endpoints by: family, byte-swapped port, little-endian IPv4. */
  @Test
  void zeroTierOrder() {
    InetAddress a = InetAddress.fromString("10.0.0.2/256").orElseThrow(); // port 0x0100 -> 0x0001
    InetAddress b = InetAddress.fromString("10.0.0.1/1").orElseThrow(); // port 0x0001 -> 0x0100
    assertThat(a).isLessThan(b);
    InetAddress c = InetAddress.fromString("2.0.0.1/9993").orElseThrow();
    InetAddress d = InetAddress.fromString("1.0.0.2/9993").orElseThrow();
    assertThat(c).isLessThan(d); // last octet is the most significant on little-endian
    assertThat(InetAddress.fromString("255.255.255.255/9993").orElseThrow())
        .isLessThan(InetAddress.fromString("::/9993").orElseThrow());
    assertThat(InetAddress.NIL).isLessThan(c);
  }

  @Provide
  Arbitrary<InetAddress> addresses() {
    Arbitrary<InetAddress> v4 = Combinators.combine(
        Arbitraries.bytes().array(byte[].class).ofSize(4), Arbitraries.integers().between(0, 65535))
        .as(InetAddress::of);
    Arbitrary<InetAddress> v6 = Combinators.combine(
        Arbitraries.bytes().array(byte[].class).ofSize(16), Arbitraries.integers().between(0, 65535))
        .as(InetAddress::of);
    return Arbitraries.oneOf(v4, v6, Arbitraries.just(InetAddress.NIL));
  }

  @Property
  void binaryRoundTrip(@ForAll("addresses") InetAddress a, @ForAll @IntRange(max = 5) int pad) {
    byte[] buf = new byte[pad + a.serializedLength() + 3];
    int n = a.writeTo(buf, pad);
    Parsed<InetAddress> p = InetAddress.parse(buf, pad, buf.length - pad);
    assertThat(p).isEqualTo(Parsed.ok(a, n));
  }

  @Property
  void textRoundTrip(@ForAll("addresses") InetAddress a) {
    assertThat(InetAddress.fromString(a.toString())).contains(a);
  }

  @Property
  void randomBytesNeverThrow(@ForAll @Size(max = 40) byte[] junk, @ForAll @IntRange(max = 40) int len) {
    int l = Math.min(len, junk.length);
    Parsed<InetAddress> p = InetAddress.parse(junk, 0, l);
    if (p.isOk()) {
      assertThat(p.length()).isBetween(1, l);
    } else {
      assertThat(p.reason()).isIn(DropReason.TRUNCATED, DropReason.UNKNOWN_TYPE);
    }
  }

  @Property
  void randomTextNeverThrows(@ForAll @Size(max = 50) String s) {
    InetAddress.fromString(s).ifPresent(a -> assertThat(InetAddress.fromString(a.toString())).contains(a));
  }

  @Test
  void ipIsDefensivelyCopied() {
    byte[] ip = {10, 0, 0, 1};
    InetAddress a = InetAddress.of(ip, 1);
    ip[0] = 99;
    a.ip()[1] = 99;
    assertThat(Arrays.equals(a.ip(), new byte[] {10, 0, 0, 1})).isTrue();
  }
}
