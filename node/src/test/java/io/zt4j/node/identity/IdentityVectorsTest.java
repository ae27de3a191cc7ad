package io.zt4j.node.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.testkit.Environment;
import io.zt4j.testkit.VectorSections;
import io.zt4j.testkit.VectorSections.Section;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** identities.txt from the real zerotier-idtool 1.14.1. */
class IdentityVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  private static List<Section> sections() {
    return VectorSections.read(Environment.vectorFile("identities.txt"));
  }

  @Test
  void everyIdentityParsesValidatesAndReproducesItsForms() {
    MemoryHardHash mhh = new MemoryHardHash();
    int n = 0;
    for (Section s : sections()) {
      if (!s.header().startsWith("identity")) {
        continue;
      }
      Identity secret = Identity.fromString(s.get("secret")).orElseThrow();
      Identity pub = Identity.fromString(s.get("public")).orElseThrow();
      assertThat(secret.address().toString()).isEqualTo(s.get("address"));
      assertThat(secret.toString(true)).isEqualTo(s.get("secret"));
      assertThat(secret.toString()).isEqualTo(s.get("public"));
      assertThat(pub.toString(true)).isEqualTo(s.get("public"));
      assertThat(pub).isEqualTo(secret);
      assertThat(pub.hasPrivateKey()).isFalse();

      assertThat(HEX.formatHex(secret.serialize(false))).isEqualTo(s.get("binary_public"));
      assertThat(HEX.formatHex(secret.serialize(true))).isEqualTo(s.get("binary_secret"));
      byte[] bin = HEX.parseHex(s.get("binary_secret"));
      Identity.Decoded d = Identity.deserialize(bin, 0, bin.length).orElseThrow();
      assertThat(d.length()).isEqualTo(135);
      assertThat(d.identity().toString(true)).isEqualTo(s.get("secret"));
      byte[] binPub = HEX.parseHex(s.get("binary_public"));
      assertThat(Identity.deserialize(binPub, 0, binPub.length).orElseThrow().identity().toString(true))
          .isEqualTo(s.get("public"));

      assertThat(HEX.formatHex(mhh.compute(secret.publicKey()))).isEqualTo(s.get("mhhash"));
      assertThat(secret.locallyValidate(mhh)).isTrue();
      assertThat(pub.locallyValidate(mhh)).isTrue();
      assertThat(secret.privateKeyMatches()).isTrue();
      n++;
    }
    assertThat(n).isEqualTo(20);
  }

  /** The 11 validate cases: exit 0 iff we parse and validate. */
  @Test
  void validateCasesAgreeWithIdtool() {
    int n = 0;
    for (Section s : sections()) {
      if (!s.header().startsWith("validate")) {
        continue;
      }
      Optional<Identity> id = Identity.fromString(s.get("input"));
      boolean valid = id.isPresent() && id.get().locallyValidate();
      assertThat(valid).as(s.header()).isEqualTo(s.get("exit").equals("0"));
      n++;
    }
    assertThat(n).isEqualTo(11);
  }

  @Test
  void agreementIsSymmetricBetweenVectorIdentities() {
    List<Section> s = sections();
    Identity a = Identity.fromString(s.get(0).get("secret")).orElseThrow();
    Identity b = Identity.fromString(s.get(1).get("secret")).orElseThrow();
    assertThat(a.agree(b.withoutPrivateKey())).isEqualTo(b.agree(a.withoutPrivateKey()));
    assertThat(a.agree(b).orElseThrow()).isNotEqualTo(a.agree(Identity.fromString(s.get(2).get("public")).orElseThrow()).orElseThrow());
  }

  @Test
  void signVerifyWithIdentity() {
    Identity a = Identity.fromString(sections().get(0).get("secret")).orElseThrow();
    byte[] msg = "zt4j".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] sig = a.sign(msg);
    assertThat(sig).hasSize(96);
    assertThat(a.withoutPrivateKey().verify(msg, sig)).isTrue();
    msg[0] ^= 1;
    assertThat(a.verify(msg, sig)).isFalse();
  }
}
