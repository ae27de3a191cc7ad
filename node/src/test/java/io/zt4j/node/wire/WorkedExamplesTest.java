package io.zt4j.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.crypto.AesGmacSiv;
import io.zt4j.node.crypto.Poly1305;
import io.zt4j.node.crypto.Salsa20;
import io.zt4j.node.crypto.SymmetricKey;
import io.zt4j.testkit.Environment;
import io.zt4j.testkit.VectorSections;
import io.zt4j.testkit.VectorSections.Section;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Every intermediate value of lab/worked-examples.txt, recomputed with our primitives. */
class WorkedExamplesTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(Section s, String key) {
    String v = s.word(key);
    return HEX.parseHex(v.substring(v.lastIndexOf('=') + 1));
  }

  private static byte[] packetOf(Section s) {
    for (var e : s.values().entrySet()) {
      if (e.getKey().startsWith("packet(")) {
        return HEX.parseHex(e.getValue().trim());
      }
    }
    throw new AssertionError("no packet in " + s.header());
  }

  @Test
  void everyStepReproduced() throws Exception {
    List<Section> sections = VectorSections.read(Environment.vectorFile("lab/worked-examples.txt"));
    assertThat(sections).hasSize(6);
    LabCaptures.Keys keys = new LabCaptures.Keys();
    for (Section s : sections) {
      byte[] packet = packetOf(s);
      Packet view = new Packet();
      assertThat(view.wrap(packet.clone(), 0, packet.length)).isTrue();
      SymmetricKey key = keys.between(view.source(), view.destination());
      assertThat(key.key()).isEqualTo(hex(s, "key48"));
      int cipher = Integer.parseInt(s.get("packet_id").replaceAll(".* cipher=(\\d+).*", "$1"));
      assertThat(view.cipherCode()).isEqualTo(cipher);
      byte[] plain;
      if (cipher == 0 || cipher == 1) {
        byte[] mangled = key.salsaKey();
        for (int i = 0; i < 18; i++) {
          mangled[i] ^= packet[i];
        }
        mangled[18] ^= (byte) (packet[18] & 0xf8);
        mangled[19] ^= (byte) packet.length;
        mangled[20] ^= (byte) (packet.length >>> 8);
        assertThat(mangled).as(s.header()).isEqualTo(hex(s, "mangled_salsa_key"));
        assertThat(Arrays.copyOf(packet, 8)).isEqualTo(hex(s, "salsa20_12_nonce"));
        byte[] ks = new byte[64];
        new Salsa20(mangled, 0, packet, 0).keystream(12, ks, 0, 64);
        assertThat(ks).isEqualTo(hex(s, "keystream_block0"));
        assertThat(Arrays.copyOf(ks, 32)).isEqualTo(hex(s, "poly1305_key"));
        byte[] tag = new byte[16];
        Poly1305.mac(ks, 0, packet, 27, packet.length - 27, tag, 0);
        assertThat(tag).isEqualTo(hex(s, "poly1305_tag16"));
        assertThat(Arrays.copyOfRange(tag, 0, 8)).isEqualTo(Arrays.copyOfRange(packet, 19, 27));
      } else {
        assertThat(key.aesK0()).isEqualTo(hex(s, "aes_k0"));
        assertThat(key.aesK1()).isEqualTo(hex(s, "aes_k1"));
        byte[] tag16 = new byte[16];
        System.arraycopy(packet, 0, tag16, 0, 8);
        System.arraycopy(packet, 19, tag16, 8, 8);
        assertThat(tag16).isEqualTo(hex(s, "tag16"));
        byte[] ctr = tag16.clone();
        ctr[12] &= 0x7f;
        assertThat(ctr).isEqualTo(hex(s, "ctr_block"));
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.aesK1(), "AES"));
        byte[] ivmac = ecb.doFinal(tag16);
        assertThat(ivmac).isEqualTo(hex(s, "ivmac"));
        byte[] nonce = Arrays.copyOf(ivmac, 12);
        Arrays.fill(nonce, 8, 12, (byte) 0);
        assertThat(nonce).isEqualTo(hex(s, "gmac_nonce12"));
        byte[] aad = Arrays.copyOfRange(packet, 8, 19);
        aad[10] &= (byte) 0xf8;
        assertThat(aad).isEqualTo(hex(s, "aad11"));
        // the GMAC over AAD ‖ pad ‖ plaintext, as AES-GCM with everything as AAD
        byte[] dec = Arrays.copyOfRange(packet, 27, packet.length);
        AesGmacSiv siv = new AesGmacSiv(key);
        assertThat(siv.decrypt(tag16, 0, aad, 0, 11, dec, 0, dec.length)).isTrue();
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.aesK0(), "AES"), new GCMParameterSpec(128, nonce));
        gcm.updateAAD(Arrays.copyOf(aad, 16));
        gcm.updateAAD(dec);
        byte[] gmac = gcm.doFinal();
        assertThat(gmac).isEqualTo(hex(s, "gmac_tag16"));
        byte[] folded = new byte[8];
        for (int i = 0; i < 8; i++) {
          folded[i] = (byte) (gmac[i] ^ gmac[8 + i]);
        }
        assertThat(folded).isEqualTo(Arrays.copyOfRange(ivmac, 8, 16));
        assertThat(s.values().get("gmac[0:8]^gmac[8:16]")).startsWith(HEX.formatHex(folded));
      }
      // and the whole thing through PacketArmor
      byte[] buf = Arrays.copyOf(packet, Packet.MAX_LENGTH);
      PacketArmor armor = new PacketArmor(key);
      assertThat(armor.dearmor(buf, 0, packet.length)).isEqualTo(PacketArmor.Result.OK);
      plain = Arrays.copyOfRange(buf, 27, packet.length);
      assertThat(plain).as(s.header()).isEqualTo(hex(s, "plaintext_from_verb_byte"));
      assertThat(String.format("%02x", buf[27] & 0xff)).isEqualTo(s.word("verb_byte"));
      if (s.values().containsKey("decompressed_payload_after_verb")) {
        int n = new PacketCompression().decompress(buf, 0, packet.length);
        assertThat(Arrays.copyOfRange(buf, 28, n)).isEqualTo(hex(s, "decompressed_payload_after_verb"));
      }
      if (s.values().containsKey("hello_cryptfield")) {
        String hc = s.get("hello_cryptfield");
        int start = 28 + Integer.parseInt(hc.replaceAll(".*payload offset (\\d+).*", "$1"));
        armor.cryptField(buf, 0, start, packet.length - start);
        assertThat(HEX.formatHex(Arrays.copyOfRange(buf, start, packet.length)))
            .isEqualTo(hc.replaceAll(".*plain=", ""));
      }
    }
  }
}
