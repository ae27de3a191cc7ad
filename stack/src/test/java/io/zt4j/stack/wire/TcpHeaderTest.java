package io.zt4j.stack.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TcpHeaderTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  /** A Linux SYN (41668 → 80) with MSS 1460, SACK-permitted, timestamps and window scale 7. */
  static final String LINUX_SYN =
      "a2c4 0050 3f1c2b9a 00000000 a002 faf0 0000 0000"
          + " 020405b4 0402080a 000a8b5c 00000000 01030307";

  @Test
  void decodesLinuxSyn() {
    byte[] b = hex(LINUX_SYN);
    TcpHeader h = new TcpHeader();
    assertThat(h.wrap(b, 0, b.length)).isTrue();
    assertThat(h.srcPort()).isEqualTo(41668);
    assertThat(h.dstPort()).isEqualTo(80);
    assertThat(h.seq()).isEqualTo(0x3f1c2b9a);
    assertThat(h.ack()).isZero();
    assertThat(h.headerLength()).isEqualTo(40);
    assertThat(h.flags()).isEqualTo(TcpHeader.SYN);
    assertThat(h.window()).isEqualTo(64240);
    assertThat(h.payloadLength()).isZero();
    assertThat(h.sequenceLength()).isEqualTo(1);
    TcpOptions o = new TcpOptions();
    assertThat(o.parse(h)).isEqualTo(TcpOptions.OK);
    assertThat(o.mss).isEqualTo(1460);
    assertThat(o.sackPermitted).isTrue();
    assertThat(o.hasTimestamps).isTrue();
    assertThat(o.tsVal).isEqualTo(0x000a8b5c);
    assertThat(o.tsEcr).isZero();
    assertThat(o.wscale).isEqualTo(7);
    assertThat(o.sackCount).isZero();
  }

  @Test
  void encodesLinuxSynByteForByte() {
    byte[] b = new byte[40];
    TcpHeader h = new TcpHeader().wrapForWrite(b, 0, 40);
    h.srcPort(41668).dstPort(80).seq(0x3f1c2b9a).ack(0).headerLength(40).flags(TcpHeader.SYN).window(64240);
    TcpOptions o = new TcpOptions();
    o.mss = 1460;
    o.sackPermitted = true;
    o.hasTimestamps = true;
    o.tsVal = 0x000a8b5c;
    o.wscale = 7;
    assertThat(o.encodedLength()).isEqualTo(20);
    assertThat(o.write(b, 20)).isEqualTo(20);
    assertThat(HexFormat.of().formatHex(b)).isEqualTo(LINUX_SYN.replace(" ", ""));
  }

  /** A Linux ACK carrying timestamps and two SACK blocks (NOP NOP TS, NOP NOP SACK). */
  @Test
  void decodesAndEncodesAckWithSackBlocks() {
    String opts = "0101080a 11223344 55667788 0101 0512 00001000 00002000 00003000 00004000";
    byte[] ob = hex(opts);
    TcpOptions o = new TcpOptions();
    assertThat(o.parse(ob, 0, ob.length)).isEqualTo(TcpOptions.OK);
    assertThat(o.hasTimestamps).isTrue();
    assertThat(o.tsVal).isEqualTo(0x11223344);
    assertThat(o.tsEcr).isEqualTo(0x55667788);
    assertThat(o.sackCount).isEqualTo(2);
    assertThat(o.sackLeft[0]).isEqualTo(0x1000);
    assertThat(o.sackRight[0]).isEqualTo(0x2000);
    assertThat(o.sackLeft[1]).isEqualTo(0x3000);
    assertThat(o.sackRight[1]).isEqualTo(0x4000);
    byte[] out = new byte[40];
    int n = o.write(out, 0);
    assertThat(n).isEqualTo(ob.length);
    assertThat(Arrays.copyOf(out, n)).isEqualTo(ob);
  }

  @Test
  void unknownOptionsAreSkippedAndBadLengthsRejected() {
    byte[] unknown = hex("1e 06 aabbccdd 020405dc 00");
    TcpOptions o = new TcpOptions();
    assertThat(o.parse(unknown, 0, unknown.length)).isEqualTo(TcpOptions.OK);
    assertThat(o.mss).isEqualTo(1500);
    assertThat(o.parse(hex("02 00 0000"), 0, 4)).isEqualTo(TcpOptions.MALFORMED);
    assertThat(o.parse(hex("0208 05b4"), 0, 4)).isEqualTo(TcpOptions.MALFORMED);
    assertThat(o.parse(hex("0101 02"), 0, 3)).isEqualTo(TcpOptions.MALFORMED);
    // known kind, wrong length: ignored, not fatal
    assertThat(o.parse(hex("0203 05 01"), 0, 4)).isEqualTo(TcpOptions.OK);
    assertThat(o.mss).isEqualTo(-1);
    // window scale above 14 is clamped (RFC 7323 §2.3)
    assertThat(o.parse(hex("030320 00"), 0, 4)).isEqualTo(TcpOptions.OK);
    assertThat(o.wscale).isEqualTo(14);
  }

  @Test
  void wrapRejectsShortSegmentsAndBadDataOffsets() {
    TcpHeader h = new TcpHeader();
    assertThat(h.wrap(new byte[19], 0, 19)).isFalse();
    byte[] b = new byte[24];
    b[12] = 0x40; // 16 bytes < 20
    assertThat(h.wrap(b, 0, 24)).isFalse();
    b[12] = (byte) 0x70; // 28 > 24
    assertThat(h.wrap(b, 0, 24)).isFalse();
    b[12] = (byte) 0x60;
    assertThat(h.wrap(b, 0, 24)).isTrue();
    assertThat(h.payloadLength()).isZero();
    assertThat(h.wrap(b, 8, 20)).isFalse(); // past the array
  }

  @Test
  void checksumRoundTrip() {
    byte[] src = {10, 0, 0, 1};
    byte[] dst = {10, 0, 0, 2};
    byte[] b = hex(LINUX_SYN + " 68656c6c6f");
    TcpHeader h = new TcpHeader();
    assertThat(h.wrap(b, 0, b.length)).isTrue();
    long ph = Checksum.pseudoHeaderV4(src, 0, dst, 0, 6, b.length);
    h.fillChecksum(ph);
    assertThat(h.checksumValid(ph)).isTrue();
    b[b.length - 1] ^= 1;
    assertThat(h.checksumValid(ph)).isFalse();
  }

  @Provide
  Arbitrary<TcpOptions> options() {
    return Arbitraries.integers().between(0, 0xFFFF).injectNull(0.3).flatMap(mss -> Arbitraries.integers().between(0, 14).injectNull(0.3).flatMap(ws ->
        Arbitraries.of(true, false).flatMap(sp -> Arbitraries.of(true, false).flatMap(ts ->
            Arbitraries.integers().array(int[].class).ofSize(8).flatMap(vals ->
                Arbitraries.integers().between(0, 4).map(nsack -> {
                  TcpOptions o = new TcpOptions();
                  o.mss = mss == null ? -1 : mss;
                  o.wscale = ws == null ? -1 : ws;
                  o.sackPermitted = sp;
                  o.hasTimestamps = ts;
                  o.tsVal = vals[0];
                  o.tsEcr = vals[1];
                  o.sackCount = nsack;
                  for (int i = 0; i < nsack; i++) {
                    o.sackLeft[i] = vals[2 + i] * 7;
                    o.sackRight[i] = vals[2 + i] * 7 + 1000;
                  }
                  return o;
                }))))));
  }

  @Property
  void optionsRoundTrip(@ForAll("options") TcpOptions o) {
    byte[] buf = new byte[48];
    int n = o.write(buf, 4);
    assertThat(n).isEqualTo(o.encodedLength()).isLessThanOrEqualTo(40);
    assertThat(n % 4).isZero();
    TcpOptions p = new TcpOptions();
    assertThat(p.parse(buf, 4, n)).isEqualTo(TcpOptions.OK);
    assertThat(p.mss).isEqualTo(o.mss);
    assertThat(p.wscale).isEqualTo(o.wscale);
    assertThat(p.sackPermitted).isEqualTo(o.sackPermitted);
    assertThat(p.hasTimestamps).isEqualTo(o.hasTimestamps);
    if (o.hasTimestamps) {
      assertThat(p.tsVal).isEqualTo(o.tsVal);
      assertThat(p.tsEcr).isEqualTo(o.tsEcr);
    }
    assertThat(p.sackCount).isLessThanOrEqualTo(o.sackCount);
    for (int i = 0; i < p.sackCount; i++) {
      assertThat(p.sackLeft[i]).isEqualTo(o.sackLeft[i]);
      assertThat(p.sackRight[i]).isEqualTo(o.sackRight[i]);
    }
    int saved = o.sackCount;
    o.sackCount = 0;
    int base = o.encodedLength();
    o.sackCount = saved;
    // every block that fits beside the other options is written
    assertThat(p.sackCount).isEqualTo(Math.min(saved, Math.max(0, (40 - base - 4) / 8)));
  }

  @Property
  void headerFieldsRoundTrip(@ForAll @IntRange(max = 0xFFFF) int sp, @ForAll @IntRange(max = 0xFFFF) int dp,
      @ForAll int seq, @ForAll int ack, @ForAll @IntRange(max = 255) int flags, @ForAll @IntRange(max = 0xFFFF) int win,
      @ForAll @IntRange(min = 5, max = 15) int words, @ForAll @IntRange(max = 100) int payload) {
    byte[] b = new byte[words * 4 + payload];
    new TcpHeader().wrapForWrite(b, 0, b.length).srcPort(sp).dstPort(dp).seq(seq).ack(ack)
        .headerLength(words * 4).flags(flags).window(win).urgentPointer(7);
    TcpHeader h = new TcpHeader();
    assertThat(h.wrap(b, 0, b.length)).isTrue();
    assertThat(h.srcPort()).isEqualTo(sp);
    assertThat(h.dstPort()).isEqualTo(dp);
    assertThat(h.seq()).isEqualTo(seq);
    assertThat(h.ack()).isEqualTo(ack);
    assertThat(h.flags()).isEqualTo(flags);
    assertThat(h.window()).isEqualTo(win);
    assertThat(h.urgentPointer()).isEqualTo(7);
    assertThat(h.payloadLength()).isEqualTo(payload);
  }

  /** Random bytes never make the view or the option parser throw or read out of bounds. */
  @Property
  void randomBytesNeverThrow(@ForAll @Size(max = 80) byte[] b, @ForAll @IntRange(max = 80) int len) {
    TcpHeader h = new TcpHeader();
    int l = Math.min(len, b.length);
    if (h.wrap(b, 0, l)) {
      assertThat(h.payloadLength()).isBetween(0, l - 20);
      TcpOptions o = new TcpOptions();
      int r = o.parse(h);
      assertThat(r).isIn(TcpOptions.OK, TcpOptions.MALFORMED);
      assertThat(o.sackCount).isBetween(0, 4);
    }
  }

  @Property
  void seqComparisonsWrapAround(@ForAll int a, @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int d) {
    int b = a + d;
    assertThat(Seq.lt(a, b)).isTrue();
    assertThat(Seq.gt(b, a)).isTrue();
    assertThat(Seq.le(a, a)).isTrue();
    assertThat(Seq.max(a, b)).isEqualTo(b);
    assertThat(Seq.min(a, b)).isEqualTo(a);
    assertThat(Seq.inRange(a, a, b)).isTrue();
    assertThat(Seq.inRange(b, a, b)).isFalse();
    assertThat(Seq.distance(a, b)).isEqualTo(d);
  }
}
