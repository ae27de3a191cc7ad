package io.zt4j.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.testkit.Environment;
import io.zt4j.testkit.VectorSections;
import io.zt4j.testkit.VectorSections.Section;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Sha512Test {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void sha512OfAbc() {
    assertThat(HEX.formatHex(Sha512.digest("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  }

  /** RFC 4231 test case 1. */
  @Test
  void hmacSha384Rfc4231() {
    byte[] key = new byte[20];
    java.util.Arrays.fill(key, (byte) 0x0b);
    assertThat(HEX.formatHex(Sha512.hmacSha384(key, "Hi There".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
            + "faea9ea9076ede7f4af152e8b2fa9cb6");
  }

  /** lab/keys.txt: agreement, key48 and K0/K1 for every pair of lab nodes, both directions. */
  @Test
  void labKeysReproduced() throws Exception {
    List<Section> pairs = VectorSections.read(Environment.vectorFile("lab/keys.txt"));
    Map<String, String> secrets = LabIds.secrets();
    int n = 0;
    for (Section pair : pairs) {
      String[] ends = pair.header().split(" <-> ");
      String a = ends[0].substring(0, 10);
      String b = ends[1].substring(0, 10);
      byte[] privA = HEX.parseHex(secrets.get(a).split(":")[3]);
      byte[] pubA = HEX.parseHex(secrets.get(a).split(":")[2]);
      byte[] privB = HEX.parseHex(secrets.get(b).split(":")[3]);
      byte[] pubB = HEX.parseHex(secrets.get(b).split(":")[2]);
      assertThat(C25519.x25519(privA, 0, pubB, 0)).map(HEX::formatHex).contains(pair.get("x25519_shared"));
      byte[] k1 = C25519.agree(privA, pubB, 48).orElseThrow();
      byte[] k2 = C25519.agree(privB, pubA, 48).orElseThrow();
      assertThat(HEX.formatHex(k1)).isEqualTo(pair.get("key48"));
      assertThat(k2).isEqualTo(k1);
      SymmetricKey key = SymmetricKey.of(k1);
      assertThat(HEX.formatHex(key.aesK0())).isEqualTo(pair.get("aes_k0"));
      assertThat(HEX.formatHex(key.aesK1())).isEqualTo(pair.get("aes_k1"));
      assertThat(HEX.formatHex(key.salsaKey())).isEqualTo(pair.get("key48").substring(0, 64));
      n++;
    }
    assertThat(n).isEqualTo(6);
  }

  @Test
  void agreementLongerThan64BytesRehashes() {
    byte[] a = new byte[64];
    byte[] b = new byte[64];
    a[0] = 1;
    b[0] = 2;
    byte[] pubB = C25519.publicKeyOf(b);
    byte[] k = C25519.agree(a, pubB, 100).orElseThrow();
    byte[] first = Sha512.digest(C25519.x25519(a, 0, pubB, 0).orElseThrow());
    byte[] second = Sha512.digest(first);
    assertThat(java.util.Arrays.copyOf(k, 64)).isEqualTo(first);
    assertThat(java.util.Arrays.copyOfRange(k, 64, 100)).isEqualTo(java.util.Arrays.copyOf(second, 36));
  }
}
