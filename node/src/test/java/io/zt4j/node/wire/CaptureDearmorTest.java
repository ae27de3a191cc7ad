package io.zt4j.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.crypto.AesGmacSiv.GmacEngine;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every packet ZeroTier One 1.14.1 sent in the lab captures dearmours with keys agreed from the lab
 * identities, decrypts to the decoder's plaintext, and re-armours to the identical bytes.
 */
class CaptureDearmorTest {
  private static final HexFormat HEX = HexFormat.of();

  @ParameterizedTest
  @EnumSource(GmacEngine.class)
  void everyCapturedPacketDearmorsAndReArmorsIdentically(GmacEngine engine) {
    LabCaptures.Keys keys = new LabCaptures.Keys();
    int total = 0;
    int[] perSuite = new int[4];
    int compressedSeen = 0;
    PacketCompression compression = new PacketCompression();
    for (String run : LabCaptures.RUNS) {
      List<Map<String, Object>> packets = LabCaptures.packets(run);
      assertThat(packets).isNotEmpty();
      for (Map<String, Object> p : packets) {
        String what = run + " frames " + p.get("frames");
        byte[] raw = HEX.parseHex((String) p.get("raw"));
        byte[] buf = raw.clone();
        Packet view = new Packet();
        assertThat(view.wrap(buf, 0, buf.length)).as(what).isTrue();
        assertThat(HEX.formatHex(longBytes(view.packetId()))).isEqualTo(p.get("packet_id"));
        assertThat(view.hops()).isEqualTo(((Long) p.get("hops")).intValue());
        assertThat(view.fragmented()).isEqualTo(p.get("fragmented"));
        int suite = ((Long) p.get("cipher")).intValue();
        assertThat(view.cipherCode()).isEqualTo(suite);

        PacketArmor armor = new PacketArmor(keys.between(view.source(), view.destination()), engine);
        assertThat(armor.dearmor(buf, 0, buf.length)).as(what).isEqualTo(PacketArmor.Result.OK);
        assertThat(String.format("%02x", view.verbByte())).as(what).isEqualTo(p.get("verb_byte"));
        assertThat(HEX.formatHex(Arrays.copyOfRange(buf, Packet.IDX_PAYLOAD, buf.length)))
            .as(what).isEqualTo(p.get("plaintext_after_verb_wire"));
        assertThat(view.compressed()).isEqualTo(p.get("compressed"));
        if (view.compressed()) {
          byte[] big = Arrays.copyOf(buf, Packet.MAX_LENGTH);
          int n = compression.decompress(big, 0, buf.length);
          assertThat(n).as(what).isPositive();
          assertThat(HEX.formatHex(Arrays.copyOfRange(big, Packet.IDX_PAYLOAD, n)))
              .as(what).isEqualTo(p.get("plaintext_after_verb_decompressed"));
          assertThat(big[Packet.IDX_VERB] & 0xff).isEqualTo(view.verb());
          compressedSeen++;
        }

        if (p.containsKey("hello_cryptfield_offset_in_payload")) {
          int start = Packet.IDX_PAYLOAD + ((Long) p.get("hello_cryptfield_offset_in_payload")).intValue();
          byte[] copy = buf.clone();
          armor.cryptField(copy, 0, start, copy.length - start);
          assertThat(HEX.formatHex(Arrays.copyOfRange(copy, start, copy.length)))
              .as(what).isEqualTo(p.get("hello_cryptfield_plain"));
        }

        // re-armour with the same IV: identical bytes
        PacketArmor again = new PacketArmor(keys.between(view.source(), view.destination()), engine);
        if (suite == 3) {
          view.packetId(armor.lastSivIv());
        }
        again.armor(buf, 0, buf.length, CipherSuite.of(suite));
        assertThat(buf).as(what).isEqualTo(raw);

        // and any flipped bit outside the hop count is refused
        byte[] bad = raw.clone();
        int bit = (total * 37) % (bad.length * 8);
        if (bit / 8 == Packet.IDX_FLAGS && bit % 8 < 3) {
          bit += 8;
        }
        bad[bit / 8] ^= (byte) (1 << (bit % 8));
        assertThat(armor.dearmor(bad, 0, bad.length)).as(what + " bit " + bit).isNotEqualTo(PacketArmor.Result.OK);

        perSuite[suite]++;
        total++;
      }
    }
    assertThat(total).isEqualTo(392 + 376);
    assertThat(compressedSeen).isGreaterThan(10);
    assertThat(perSuite[0]).isEqualTo(26 + 19);
    assertThat(perSuite[1]).isEqualTo(36 + 38);
    assertThat(perSuite[3]).isEqualTo(330 + 319);
  }

  /**
   * Fragmented packets: the captured datagrams reassemble (in order, reversed, with duplicates) to
   * the decoder's packet, and our fragmenter cuts that packet into the identical datagrams.
   */
  @Test
  void capturedFragmentsReassembleAndRefragmentIdentically() {
    int packets = 0;
    for (String run : LabCaptures.RUNS) {
      List<byte[]> udp = PcapUdp.udpPayloads(
          io.zt4j.testkit.Environment.vectorFile("lab/" + run + "/pcap/underlay.pcap"));
      for (Map<String, Object> p : LabCaptures.packets(run)) {
        @SuppressWarnings("unchecked")
        List<Long> frames = (List<Long>) p.get("frames");
        if (frames.size() < 2) {
          continue;
        }
        byte[] raw = HEX.parseHex((String) p.get("raw"));
        byte[] out = new byte[Packet.MAX_LENGTH];
        Reassembler forward = Reassembler.withZeroTierDefaults();
        Reassembler backward = Reassembler.withZeroTierDefaults();
        int got = Reassembler.PENDING;
        for (int i = 0; i < frames.size(); i++) {
          byte[] d = udp.get(frames.get(i).intValue());
          got = forward.offer(d, 0, d.length, 1000 + i, out, 0);
          if (i < frames.size() - 1) {
            assertThat(got).isEqualTo(Reassembler.PENDING);
          }
        }
        assertThat(Arrays.copyOf(out, got)).as(run + " " + frames).isEqualTo(raw);
        Arrays.fill(out, (byte) 0);
        for (int i = frames.size() - 1; i >= 0; i--) {
          byte[] d = udp.get(frames.get(i).intValue());
          got = backward.offer(d, 0, d.length, 1000, out, 0);
          if (i > 0) {
            byte[] again = d.clone();
            assertThat(backward.offer(again, 0, again.length, 1000, out, 0)).isEqualTo(Reassembler.DROPPED);
          }
        }
        assertThat(Arrays.copyOf(out, got)).isEqualTo(raw);
        assertThat(backward.drops(Reassembler.Drop.DUPLICATE)).isEqualTo(frames.size() - 1);

        byte[] head = udp.get(frames.get(0).intValue());
        int mtu = head.length;
        assertThat(Fragmenter.datagramCount(raw.length, mtu)).isEqualTo(frames.size());
        assertThat(Fragmenter.headLength(raw.length, mtu)).isEqualTo(head.length);
        for (int i = 1; i < frames.size(); i++) {
          byte[] d = udp.get(frames.get(i).intValue());
          byte[] mine = new byte[mtu];
          int n = Fragmenter.writeFragment(raw, 0, raw.length, mtu, i, mine, 0);
          byte[] expected = d.clone();
          expected[Fragment.IDX_HOPS] = 0; // relays count hops in fragments
          assertThat(Arrays.copyOf(mine, n)).isEqualTo(expected);
        }
        packets++;
      }
    }
    assertThat(packets).isEqualTo(30 + 30);
  }

  private static byte[] longBytes(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (56 - 8 * i));
    }
    return b;
  }
}
