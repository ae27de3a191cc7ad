package io.zt4j.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.testkit.Environment;
import io.zt4j.testkit.VectorSections;
import io.zt4j.testkit.VectorSections.Section;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class C25519Test {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 7748 section 5.2, first X25519 vector. */
  @Test
  void rfc7748ScalarMult() {
    byte[] k = HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    byte[] u = HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    assertThat(C25519.x25519(k, 0, u, 0))
        .contains(HEX.parseHex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"));
  }

  /** RFC 7748 section 6.1 Diffie-Hellman. */
  @Test
  void rfc7748DiffieHellman() {
    byte[] alice = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] bob = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    byte[] alicePub = C25519.x25519PublicKey(alice, 0);
    byte[] bobPub = C25519.x25519PublicKey(bob, 0);
    assertThat(alicePub)
        .isEqualTo(HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
    assertThat(bobPub)
        .isEqualTo(HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));
    byte[] shared = HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    assertThat(C25519.x25519(alice, 0, bobPub, 0)).contains(shared);
    assertThat(C25519.x25519(bob, 0, alicePub, 0)).contains(shared);
  }

  @Test
  void smallOrderPeerKeyGivesNoAgreement() {
    byte[] priv = new byte[64];
    priv[5] = 1;
    byte[] zeroPub = new byte[64]; // u = 0 is of small order
    assertThat(C25519.agree(priv, zeroPub, 48)).isEmpty();
  }

  /** RFC 8032 section 7.1, tests 1 and 2. */
  @Test
  void rfc8032Ed25519() {
    byte[] sk1 = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    byte[] pk1 = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    byte[] sig1 = HEX.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    assertThat(C25519.ed25519PublicKey(sk1, 0)).isEqualTo(pk1);
    assertThat(C25519.ed25519Sign(sk1, new byte[0], 0, 0)).isEqualTo(sig1);
    assertThat(C25519.ed25519Verify(pk1, 0, new byte[0], 0, 0, sig1, 0)).isTrue();

    byte[] sk2 = HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    byte[] pk2 = HEX.parseHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    byte[] msg2 = {0x72};
    byte[] sig2 = HEX.parseHex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
    assertThat(C25519.ed25519PublicKey(sk2, 0)).isEqualTo(pk2);
    assertThat(C25519.ed25519Sign(sk2, msg2, 0, 1)).isEqualTo(sig2);
    assertThat(C25519.ed25519Verify(pk2, 0, msg2, 0, 1, sig2, 0)).isTrue();
    sig2[10] ^= 1;
    assertThat(C25519.ed25519Verify(pk2, 0, msg2, 0, 1, sig2, 0)).isFalse();
  }

  /** Every idtool signature verifies, ours are byte-identical, and the vectors' negatives fail. */
  @Test
  void zeroTierSignatureVectors() throws Exception {
    List<Section> ids = VectorSections.read(Environment.vectorFile("identities.txt"));
    List<Section> sigs = VectorSections.read(Environment.vectorFile("signatures.txt"));
    int checked = 0;
    for (Section s : sigs) {
      int n = Integer.parseInt(s.header().split(" ")[1]);
      Section id = ids.get(n - 1);
      assertThat(id.header()).isEqualTo(String.format("identity %02d", n));
      byte[] pub = HEX.parseHex(id.get("pub.x25519") + id.get("pub.ed25519"));
      byte[] priv = HEX.parseHex(id.get("priv.x25519") + id.get("priv.ed25519seed"));
      String file = s.header().substring(s.header().lastIndexOf(' ') + 1);
      byte[] msg = Files.readAllBytes(Environment.vectorFile(file));
      assertThat(HEX.formatHex(msg)).isEqualTo(s.values().getOrDefault("message_hex", ""));
      byte[] sig = HEX.parseHex(s.get("signature"));

      assertThat(C25519.verify(pub, msg, 0, msg.length, sig, 0, sig.length)).as(s.header()).isTrue();
      assertThat(C25519.sign(priv, msg, 0, msg.length)).as(s.header()).isEqualTo(sig);

      byte[] longer = java.util.Arrays.copyOf(msg, msg.length + 1);
      assertThat(C25519.verify(pub, longer, 0, longer.length, sig, 0, 96)).isFalse();
      for (int flip : new int[] {0, 40, 95}) {
        byte[] bad = sig.clone();
        bad[flip] ^= 1;
        assertThat(C25519.verify(pub, msg, 0, msg.length, bad, 0, 96)).as("flip " + flip).isFalse();
      }
      byte[] otherPub = HEX.parseHex(ids.get(5).get("pub.x25519") + ids.get(5).get("pub.ed25519"));
      assertThat(C25519.verify(otherPub, msg, 0, msg.length, sig, 0, 96)).isFalse();
      assertThat(C25519.verify(pub, msg, 0, msg.length, sig, 0, 95)).isFalse();
      checked++;
    }
    assertThat(checked).isEqualTo(25);
  }

  /** Public halves of every vector identity derive from its private halves. */
  @Test
  void publicKeyFromPrivateKey() {
    for (Section id : VectorSections.read(Environment.vectorFile("identities.txt"))) {
      if (!id.header().startsWith("identity")) {
        continue;
      }
      byte[] priv = HEX.parseHex(id.get("priv.x25519") + id.get("priv.ed25519seed"));
      assertThat(HEX.formatHex(C25519.publicKeyOf(priv)))
          .isEqualTo(id.get("pub.x25519") + id.get("pub.ed25519"));
    }
  }
}
