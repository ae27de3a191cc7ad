package io.zt4j.stack.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ChecksumTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  /** RFC 1071 §3 worked example: words 0001 f203 f4f5 f6f7 sum to ddf2 (checksum 220d). */
  @Test
  void rfc1071Example() {
    byte[] data = hex("0001f203f4f5f6f7");
    assertThat(Checksum.fold(Checksum.add(0, data, 0, data.length))).isEqualTo(0xddf2);
    assertThat(Checksum.of(data, 0, data.length)).isEqualTo(0x220d);
  }

  /** A real IPv4 header (checksum b861) verifies, and recomputing with the field zeroed gives it. */
  @Test
  void ipv4HeaderFromTheWire() {
    byte[] h = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
    assertThat(Checksum.verifies(Checksum.add(0, h, 0, h.length))).isTrue();
    h[10] = 0;
    h[11] = 0;
    assertThat(Checksum.of(h, 0, h.length)).isEqualTo(0xb861);
  }

  @Test
  void oddLengthPadsWithZero() {
    assertThat(Checksum.of(new byte[] {0x12, 0x34, 0x56}, 0, 3)).isEqualTo(Checksum.of(hex("123456 00"), 0, 4));
  }

  /** UDP over IPv4 from a capture: 10.0.0.1:1234 → 10.0.0.2:5678, payload "hi", checksum 0x1d5c. */
  @Test
  void udpPseudoHeaderV4() {
    byte[] src = {10, 0, 0, 1};
    byte[] dst = {10, 0, 0, 2};
    byte[] udp = hex("04d2 162e 000a 0000 6869");
    long sum = Checksum.pseudoHeaderV4(src, 0, dst, 0, 17, udp.length);
    int c = Checksum.finish(Checksum.add(sum, udp, 0, udp.length));
    // Independently: 0a00+0001+0a00+0002+0011+000a + 04d2+162e+000a+0000+6869
    long manual = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 0x0011 + 0x000a + 0x04d2 + 0x162e + 0x000a + 0x6869;
    assertThat(c).isEqualTo(Checksum.finish(manual));
    udp[6] = (byte) (c >>> 8);
    udp[7] = (byte) c;
    assertThat(Checksum.verifies(Checksum.add(sum, udp, 0, udp.length))).isTrue();
  }

  @Test
  void pseudoHeaderV6CoversBothAddressesLengthAndNextHeader() {
    byte[] a = new byte[16];
    byte[] b = new byte[16];
    a[15] = 1;
    b[15] = 2;
    long s = Checksum.pseudoHeaderV6(a, 0, b, 0, 58, 0x10008);
    assertThat(Checksum.fold(s)).isEqualTo(Checksum.fold(1 + 2 + 0x1 + 0x0008 + 58));
  }

  @Property
  void verifiesAfterInsertingTheChecksum(@ForAll @Size(min = 2, max = 300) byte[] data) {
    data[0] = 0;
    data[1] = 0;
    int c = Checksum.of(data, 0, data.length);
    data[0] = (byte) (c >>> 8);
    data[1] = (byte) c;
    assertThat(Checksum.verifies(Checksum.add(0, data, 0, data.length))).isTrue();
  }

  @Property
  void incrementalUpdateMatchesRecompute(
      @ForAll @Size(min = 4, max = 200) byte[] data,
      @ForAll @IntRange(min = 0, max = 98) int wordIndex,
      @ForAll @IntRange(min = 0, max = 0xFFFF) int newWord) {
    int w = (wordIndex % (data.length / 2)) * 2;
    int before = Checksum.of(data, 0, data.length);
    int oldWord = ((data[w] & 0xFF) << 8) | (data[w + 1] & 0xFF);
    data[w] = (byte) (newWord >>> 8);
    data[w + 1] = (byte) newWord;
    int after = Checksum.of(data, 0, data.length);
    // RFC 1624: equal as one's complement values (0x0000 and 0xFFFF both mean zero).
    int inc = Checksum.update16(before, oldWord, newWord);
    assertThat(inc == after || (inc ^ after) == 0xFFFF && (inc == 0 || after == 0)).isTrue();
  }

  @Property
  void sumsOfSplitRangesEqualTheWhole(@ForAll @Size(min = 0, max = 400) byte[] data, @ForAll @IntRange(min = 0, max = 200) int cut) {
    int c = Math.min(cut * 2, data.length & ~1);
    long split = Checksum.add(Checksum.add(0, data, 0, c), data, c, data.length - c);
    assertThat(Checksum.fold(split)).isEqualTo(Checksum.fold(Checksum.add(0, data, 0, data.length)));
  }

  /** The wide-word fast path agrees with a plain 16-bit word sum, at any offset and length. */
  @Property
  void matchesANaiveWordSum(@ForAll @Size(max = 3000) byte[] data, @ForAll @IntRange(max = 9) int skip,
      @ForAll long start) {
    int off = Math.min(skip, data.length);
    long naive = start & 0xFFFF_FFFFL;
    for (int i = off; i < data.length; i += 2) {
      int hi = data[i] & 0xFF;
      int lo = i + 1 < data.length ? data[i + 1] & 0xFF : 0;
      naive += (hi << 8) | lo;
    }
    long fast = Checksum.add(start & 0xFFFF_FFFFL, data, off, data.length - off);
    assertThat(Checksum.fold(fast)).isEqualTo(Checksum.fold(naive));
  }

  @Test
  void uniformBuffersAcrossTheBulkPathMatchTheNaiveSum() {
    // all-zero and all-ones data are where a byte-swapped partial sum could be confused with its
    // other one's-complement zero (0x0000 vs 0xFFFF)
    for (int fill : new int[] {0x00, 0xFF, 0x80, 0x01}) {
      for (int len : new int[] {31, 32, 33, 64, 2748, 2749}) {
        byte[] data = new byte[len + 3];
        java.util.Arrays.fill(data, (byte) fill);
        for (int off = 0; off <= 3; off++) {
          for (long start : new long[] {0, 1, 0xFFFF, 0x1_2345}) {
            int n = len + 3 - off;
            long naive = start;
            for (int i = off; i < off + n; i += 2) {
              naive += ((data[i] & 0xFF) << 8) | (i + 1 < off + n ? data[i + 1] & 0xFF : 0);
            }
            assertThat(Checksum.fold(Checksum.add(start, data, off, n)))
                .as("fill %x len %d off %d start %x", fill, n, off, start).isEqualTo(Checksum.fold(naive));
          }
        }
      }
    }
  }
}
