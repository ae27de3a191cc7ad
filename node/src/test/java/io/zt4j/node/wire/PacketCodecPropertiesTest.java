package io.zt4j.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.crypto.SymmetricKey;
import io.zt4j.node.identity.Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PacketCodecPropertiesTest {

  @Property(tries = 300)
  void headerRoundTrips(@ForAll long id, @ForAll long dest, @ForAll long src,
      @ForAll @IntRange(min = 0, max = 255) int flags, @ForAll long mac,
      @ForAll @IntRange(min = 0, max = 255) int verb) {
    Packet.Header h = new Packet.Header(id, Address.of(dest), Address.of(src), flags, mac, verb);
    byte[] b = new byte[40];
    h.writeTo(b, 3);
    Packet v = new Packet();
    assertThat(v.wrap(b, 3, 37)).isTrue();
    assertThat(v.header()).isEqualTo(h);
    assertThat(v.payloadLength()).isEqualTo(9);
    assertThat(v.hops()).isEqualTo(flags & 7);
    assertThat(v.cipherCode()).isEqualTo((flags >> 3) & 7);
    assertThat(v.compressed()).isEqualTo(verb >= 0x80);
  }

  @Property(tries = 300)
  void fragmentHeaderRoundTrips(@ForAll long id, @ForAll long dest,
      @ForAll @IntRange(min = 2, max = 7) int total, @ForAll @IntRange(min = 1, max = 6) int n,
      @ForAll @IntRange(min = 0, max = 7) int hops) {
    if (n >= total) {
      return;
    }
    Fragment f = new Fragment(id, Address.of(dest), n, total, hops);
    byte[] b = new byte[20];
    f.writeTo(b, 0);
    assertThat(Fragment.parse(b, 0, 20).value()).isEqualTo(f);
    assertThat(Packet.isFragment(b, 0, 20)).isTrue();
  }

  @Property(tries = 200)
  void fragmentThenReassembleInAnyOrder(@ForAll @Size(min = 28, max = 6000) byte[] packet,
      @ForAll @IntRange(min = 1000, max = 1500) int mtu, @ForAll long seed) {
    packet[13] = 0x12; // a real source address never starts with 0xff
    int count = Fragmenter.datagramCount(packet.length, mtu);
    if (count > Packet.MAX_FRAGMENTS) {
      return;
    }
    if (count > 1) {
      packet[Packet.IDX_FLAGS] |= Packet.FLAG_FRAGMENTED;
    } else {
      packet[Packet.IDX_FLAGS] &= ~Packet.FLAG_FRAGMENTED;
    }
    List<byte[]> dgrams = new ArrayList<>();
    dgrams.add(Arrays.copyOf(packet, Fragmenter.headLength(packet.length, mtu)));
    for (int i = 1; i < count; i++) {
      byte[] d = new byte[mtu];
      int n = Fragmenter.writeFragment(packet, 0, packet.length, mtu, i, d, 0);
      assertThat(n).isLessThanOrEqualTo(mtu);
      dgrams.add(Arrays.copyOf(d, n));
    }
    Collections.shuffle(dgrams, new Random(seed));
    Reassembler r = Reassembler.withZeroTierDefaults();
    byte[] out = new byte[Packet.MAX_LENGTH];
    int got = 0;
    for (byte[] d : dgrams) {
      assertThat(got).isZero();
      got = r.offer(d, 0, d.length, 5, out, 0);
    }
    assertThat(Arrays.copyOf(out, got)).isEqualTo(packet);
    assertThat(r.pending()).isZero();
  }

  @Test
  void reassemblerExpiresAndEvicts() {
    Reassembler r = new Reassembler(2, 100);
    byte[] out = new byte[Packet.MAX_LENGTH];
    for (int id = 1; id <= 3; id++) {
      byte[] frag = new byte[40];
      new Fragment(id, Address.of(0x0102030405L), 1, 2, 0).writeTo(frag, 0);
      assertThat(r.offer(frag, 0, frag.length, 10, out, 0)).isEqualTo(Reassembler.PENDING);
    }
    assertThat(r.pending()).isEqualTo(2);
    assertThat(r.drops(Reassembler.Drop.EVICTED)).isEqualTo(1);
    assertThat(r.nextDeadline()).isEqualTo(110);
    r.expire(109);
    assertThat(r.pending()).isEqualTo(2);
    r.expire(110);
    assertThat(r.pending()).isZero();
    assertThat(r.drops(Reassembler.Drop.EXPIRED)).isEqualTo(2);
    assertThat(r.nextDeadline()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void fragmenterRefusesMoreThanSevenDatagrams() {
    byte[] big = new byte[Packet.MAX_LENGTH];
    assertThat(Fragmenter.datagramCount(big.length, 1432)).isEqualTo(8);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Fragmenter.writeFragment(big, 0, big.length, 1432, 1, new byte[1432], 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 100)
  void armorDearmorRoundTripsEverySuite(@ForAll @Size(48) byte[] k,
      @ForAll @Size(min = 28, max = 3000) byte[] packet, @ForAll @IntRange(min = 0, max = 2) int s) {
    CipherSuite suite = new CipherSuite[] {CipherSuite.POLY1305_NONE, CipherSuite.POLY1305_SALSA2012,
        CipherSuite.AES_GMAC_SIV}[s];
    SymmetricKey key = SymmetricKey.of(k);
    byte[] buf = packet.clone();
    new PacketArmor(key).armor(buf, 0, buf.length, suite);
    if (suite != CipherSuite.POLY1305_NONE && buf.length > 40) {
      assertThat(Arrays.copyOfRange(buf, 28, buf.length)).isNotEqualTo(Arrays.copyOfRange(packet, 28, packet.length));
    }
    buf[Packet.IDX_FLAGS] = (byte) ((buf[Packet.IDX_FLAGS] & 0xf8) | 3); // relays may change hops
    PacketArmor other = new PacketArmor(key);
    assertThat(other.dearmor(buf, 0, buf.length)).isEqualTo(PacketArmor.Result.OK);
    assertThat(Arrays.copyOfRange(buf, 27, buf.length)).isEqualTo(Arrays.copyOfRange(packet, 27, packet.length));
    // another key refuses it
    byte[] k2 = k.clone();
    k2[0] ^= 1;
    k2[40] ^= 1;
    byte[] again = packet.clone();
    new PacketArmor(key).armor(again, 0, again.length, suite);
    assertThat(new PacketArmor(SymmetricKey.of(k2)).dearmor(again, 0, again.length))
        .isEqualTo(PacketArmor.Result.AUTHENTICATION_FAILED);
  }

  @Test
  void trustedPathOnlyWhenConfigured() {
    byte[] p = new byte[60];
    PacketArmor.armorTrusted(p, 0, p.length, 0x1234L);
    assertThat(new Packet().wrap(p, 0, 60)).isTrue();
    assertThat(new PacketArmor(SymmetricKey.of(new byte[48])).dearmor(p, 0, 60))
        .isEqualTo(PacketArmor.Result.UNTRUSTED_PATH);
    assertThat(PacketArmor.acceptTrusted(p, 0, 60, 0x1234L)).isEqualTo(PacketArmor.Result.OK);
    assertThat(PacketArmor.acceptTrusted(p, 0, 60, 0x1235L)).isEqualTo(PacketArmor.Result.UNTRUSTED_PATH);
    assertThat(PacketArmor.acceptTrusted(p, 0, 60, 0)).isEqualTo(PacketArmor.Result.UNTRUSTED_PATH);
  }

  @Property(tries = 200)
  void compressionRoundTrips(@ForAll @Size(min = 28, max = 4000) byte[] packet,
      @ForAll @IntRange(min = 1, max = 8) int alphabet) {
    for (int i = 28; i < packet.length; i++) {
      packet[i] = (byte) Math.floorMod(packet[i], alphabet); // make some of them compressible
    }
    packet[Packet.IDX_VERB] &= 0x1f;
    byte[] buf = Arrays.copyOf(packet, Packet.MAX_LENGTH);
    PacketCompression c = new PacketCompression();
    int n = c.compress(buf, 0, packet.length);
    assertThat(n).isLessThanOrEqualTo(packet.length);
    if (n < packet.length) {
      assertThat(buf[Packet.IDX_VERB] & 0x80).isEqualTo(0x80);
    }
    if (packet.length - 28 <= 64) {
      assertThat(n).isEqualTo(packet.length);
    }
    int m = c.decompress(buf, 0, n);
    assertThat(Arrays.copyOf(buf, m)).isEqualTo(packet);
  }

  @Test
  void decompressionIsBounded() {
    // an LZ4 block of one literal followed by a long match: expands to ~12 KB from a few bytes
    byte[] block = lz4Bomb(12000);
    byte[] buf = new byte[Packet.MAX_LENGTH];
    buf[Packet.IDX_VERB] = (byte) 0x86;
    System.arraycopy(block, 0, buf, 28, block.length);
    assertThat(new PacketCompression().decompress(buf, 0, 28 + block.length)).isEqualTo(-1);
    // the same thing within bounds decompresses
    byte[] ok = lz4Bomb(5000);
    System.arraycopy(ok, 0, buf, 28, ok.length);
    buf[Packet.IDX_VERB] = (byte) 0x86;
    assertThat(new PacketCompression().decompress(buf, 0, 28 + ok.length)).isEqualTo(28 + 5000);
    // and not beyond the caller's buffer
    byte[] small = new byte[28 + 1000];
    System.arraycopy(ok, 0, small, 28, ok.length);
    small[Packet.IDX_VERB] = (byte) 0x86;
    assertThat(new PacketCompression().decompress(small, 0, 28 + ok.length)).isEqualTo(-1);
  }

  /** 'a' then a match of (n - 6) repeating it at offset 1, then 5 literal bytes (LZ4 end rules). */
  private static byte[] lz4Bomb(int n) {
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    int matchLen = n - 6;
    int ml = matchLen - 4;
    o.write((1 << 4) | 15);
    o.write('a');
    o.write(1);
    o.write(0);
    ml -= 15;
    while (ml >= 255) {
      o.write(255);
      ml -= 255;
    }
    o.write(ml);
    o.write(5 << 4);
    o.writeBytes("bbbbb".getBytes());
    return o.toByteArray();
  }

  // ------------------------------------------------------------ robustness on random bytes

  @Property(tries = 1000)
  void randomBytesNeverThrow(@ForAll @Size(max = 2000) byte[] bytes, @ForAll @IntRange(min = 0, max = 30) int off) {
    int o = Math.min(off, bytes.length);
    int len = bytes.length - o;
    Packet v = new Packet();
    if (v.wrap(bytes, o, len)) {
      v.header();
    }
    Fragment.parse(bytes, o, len);
    PacketArmor a = new PacketArmor(SymmetricKey.of(new byte[48]));
    byte[] copy = bytes.clone();
    assertThat(a.dearmor(copy, o, len)).isNotEqualTo(PacketArmor.Result.OK);
    PacketArmor.acceptTrusted(copy, o, len, 5);
    byte[] big = Arrays.copyOf(bytes, Packet.MAX_LENGTH + 50);
    if (len >= 28) {
      big[o + Packet.IDX_VERB] |= (byte) 0x80;
    }
    int n = new PacketCompression().decompress(big, o, len);
    assertThat(n).isLessThanOrEqualTo(Packet.MAX_LENGTH + o);
    Reassembler r = new Reassembler(4, 1000);
    byte[] out = new byte[Packet.MAX_LENGTH];
    for (int i = 0; i + 17 <= len; i += 17) {
      int res = r.offer(bytes, o + i, len - i, i, out, 0);
      assertThat(res).isLessThanOrEqualTo(Packet.MAX_LENGTH);
    }
    assertThat(r.pending()).isLessThanOrEqualTo(4);
    // a bad range is refused, not thrown
    assertThat(a.dearmor(bytes, bytes.length, 100)).isEqualTo(PacketArmor.Result.BAD_LENGTH);
    assertThat(r.offer(bytes, -1, 5, 0, out, 0)).isEqualTo(Reassembler.DROPPED);
    assertThat(Fragment.parse(bytes, 0, bytes.length + 1).isOk()).isFalse();
  }
}
