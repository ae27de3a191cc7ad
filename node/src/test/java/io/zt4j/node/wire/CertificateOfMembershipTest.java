package io.zt4j.node.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.node.identity.Identity;
import io.zt4j.testkit.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CertificateOfMembershipTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final long NWID = 0x2b53dd2a51a1b2c3L;

  /** Member a's COM as listed in the vectors' dictionaries.decoded.txt (key C). */
  private static final String COM_A_HEX =
      "0100070000000000000000000001a2166a982200000000001b774000000000000000012b53dd2a51a1b2c3"
      + "00000000000000000000000000000002000000d5f97e2e50ffffffffffffffff00000000000000034e25cc7d6e98a5c3"
      + "ffffffffffffffff00000000000000043f558382aee62286ffffffffffffffff0000000000000005d9a967094dc5d985"
      + "ffffffffffffffff0000000000000006466923a817be4750ffffffffffffffff2b53dd2a5111df4a8a5c48f486d88505"
      + "9905bac3dc8e649e99734431f19624981d6e929b2ad0214ef27d73a11e26e2d3e32183f5f86162ed20142bfdb8860464"
      + "ac7b5b5a08473fa4f618da52c567471a9af388f7f9ee653add7a7a139730dfebe6cc94d84c";

  private static Identity id(String name, String kind) throws IOException {
    return Identity.fromString(Files.readString(
        Environment.vectorFile("lab/ids/" + name + ".identity." + kind)).strip()).orElseThrow();
  }

  private static CertificateOfMembership comOf(Path dict) throws IOException {
    byte[] c = Dictionary.parse(Files.readAllBytes(dict), Dictionary.NETWORK_CONFIG_CAPACITY).value().get("C").orElseThrow();
    Parsed<CertificateOfMembership> p = CertificateOfMembership.parse(c, 0, c.length);
    assertThat(p.length()).isEqualTo(c.length);
    assertThat(p.value().serialize()).isEqualTo(c);
    return p.value();
  }

  @Test
  void decodesLiteralBytes() {
    byte[] b = HEX.parseHex(COM_A_HEX);
    CertificateOfMembership c = CertificateOfMembership.parse(b, 0, b.length).value();
    assertThat(c.qualifiers()).hasSize(7);
    assertThat(c.timestamp()).isEqualTo(0x1a2166a9822L);
    assertThat(c.qualifiers().get(0).maxDelta()).isEqualTo(0x1b7740L);
    assertThat(c.networkId()).isEqualTo(NWID);
    assertThat(c.issuedTo()).isEqualTo(0xd5f97e2e50L);
    assertThat(c.signedBy()).isEqualTo(0x2b53dd2a51L);
    assertThat(c.qualifiers().get(3)).isEqualTo(new CertificateOfMembership.Qualifier(3, 0x4e25cc7d6e98a5c3L, -1L));
    assertThat(c.serialize()).isEqualTo(b);
  }

  /** Controller ctl re-signing a's COM with the same qualifiers gives the captured bytes (Ed25519 is deterministic). */
  @Test
  void createAndSignReproduceTheControllersCom() throws IOException {
    CertificateOfMembership c = CertificateOfMembership
        .create(0x1a2166a9822L, 0x1b7740L, NWID, id("a", "public"))
        .sign(id("ctl", "secret"));
    assertThat(HEX.formatHex(c.serialize())).isEqualTo(COM_A_HEX);
  }

  @Test
  void everyVectorComVerifiesAndMembersAgree() throws IOException {
    Identity ctl = id("ctl", "public");
    Identity a = id("a", "public");
    Identity b = id("b", "public");
    List<Path> dicts = new ArrayList<>();
    for (String run : new String[] {"dualstack", "ipv4only"}) {
      Path dir = Environment.vectors().resolve("lab").resolve(run);
      try (Stream<Path> s = Files.list(dir.resolve("decoded"))) {
        s.filter(p -> p.toString().endsWith(".dict")).forEach(dicts::add);
      }
      dicts.add(dir.resolve("state/a/networks.d/2b53dd2a51a1b2c3.conf"));
      dicts.add(dir.resolve("state/b/networks.d/2b53dd2a51a1b2c3.conf"));
    }
    assertThat(dicts).hasSizeGreaterThanOrEqualTo(8);
    for (Path d : dicts) {
      CertificateOfMembership c = comOf(d);
      assertThat(c.verify(ctl)).as(d.toString()).isTrue();
      assertThat(c.verify(a)).isFalse(); // not the signer
      assertThat(c.issuedTo()).isIn(0xd5f97e2e50L, 0xfb8e8ac629L);
    }
    Path run = Environment.vectors().resolve("lab/dualstack/state");
    CertificateOfMembership comA = comOf(run.resolve("a/networks.d/2b53dd2a51a1b2c3.conf"));
    CertificateOfMembership comB = comOf(run.resolve("b/networks.d/2b53dd2a51a1b2c3.conf"));
    assertThat(comA.agreesWith(comB, b)).isTrue();
    assertThat(comB.agreesWith(comA, a)).isTrue();
    assertThat(comA.agreesWith(comB, a)).isFalse(); // b's COM does not carry a's identity hash
    assertThat(comA.agreesWith(comB, ctl)).isFalse();
  }

  @Test
  void agreementFollowsMaxDeltaAndRequiredQualifiers() throws IOException {
    Identity a = id("a", "public");
    Identity b = id("b", "public");
    CertificateOfMembership ca = CertificateOfMembership.create(10_000, 100, NWID, a);
    assertThat(ca.agreesWith(CertificateOfMembership.create(10_100, 100, NWID, b), b)).isTrue();
    assertThat(ca.agreesWith(CertificateOfMembership.create(9_900, 100, NWID, b), b)).isTrue();
    assertThat(ca.agreesWith(CertificateOfMembership.create(10_101, 100, NWID, b), b)).isFalse();
    assertThat(ca.agreesWith(CertificateOfMembership.create(10_000, 100, NWID + 1, b), b)).isFalse();
    // an old-style COM without identity hashes: agreement needs no identity
    CertificateOfMembership old1 = CertificateOfMembership.of(ca.qualifiers().subList(0, 3));
    CertificateOfMembership old2 = CertificateOfMembership.of(
        CertificateOfMembership.create(10_050, 100, NWID, b).qualifiers().subList(0, 3));
    assertThat(old1.agreesWith(old2, a)).isTrue();
    assertThat(ca.agreesWith(old2, b)).isFalse(); // ca requires the hash qualifiers
    assertThat(old1.agreesWith(CertificateOfMembership.create(10_050, 100, NWID, b), b)).isTrue();
    assertThat(CertificateOfMembership.of(List.of()).agreesWith(ca, a)).isFalse();
    assertThat(ca.agreesWith(CertificateOfMembership.of(List.of()), b)).isFalse();
  }

  @Test
  void verifyRequiresTheNetworksControllerAndAnIntactSignature() throws IOException {
    Identity ctl = id("ctl", "secret");
    Identity a = id("a", "secret");
    CertificateOfMembership c = CertificateOfMembership.create(1, 1, NWID, id("b", "public"));
    assertThat(c.isSigned()).isFalse();
    assertThat(c.verify(ctl)).isFalse();
    assertThat(c.sign(ctl).verify(ctl)).isTrue();
    assertThat(c.sign(a).verify(a)).isFalse(); // a is not the controller of NWID
    byte[] bytes = c.sign(ctl).serialize();
    bytes[10] ^= 1; // timestamp qualifier value
    assertThat(CertificateOfMembership.parse(bytes, 0, bytes.length).value().verify(ctl)).isFalse();
  }

  @Test
  void badInputIsDropped() {
    byte[] b = HEX.parseHex(COM_A_HEX);
    for (int n = 0; n < b.length; n++) {
      assertThat(CertificateOfMembership.parse(b, 0, n).reason()).as("prefix " + n).isEqualTo(DropReason.TRUNCATED);
    }
    byte[] v = b.clone();
    v[0] = 2;
    assertThat(CertificateOfMembership.parse(v, 0, v.length).reason()).isEqualTo(DropReason.UNKNOWN_TYPE);
    byte[] many = b.clone();
    many[2] = 9;
    assertThat(CertificateOfMembership.parse(many, 0, many.length).reason()).isEqualTo(DropReason.TOO_MANY);
    byte[] unsorted = b.clone();
    unsorted[3 + 24 + 7] = 5; // second qualifier id 1 -> 5, third is 2
    assertThat(CertificateOfMembership.parse(unsorted, 0, unsorted.length).reason()).isEqualTo(DropReason.NOT_SORTED);
    assertThatThrownBy(() -> CertificateOfMembership.of(List.of(
        new CertificateOfMembership.Qualifier(2, 0, 0), new CertificateOfMembership.Qualifier(1, 0, 0))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Provide
  Arbitrary<CertificateOfMembership> coms() {
    Arbitrary<List<CertificateOfMembership.Qualifier>> qs = Combinators.combine(
        Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs())
        .as(CertificateOfMembership.Qualifier::new)
        .list().ofMaxSize(CertificateOfMembership.MAX_QUALIFIERS)
        .map(l -> l.stream().sorted((x, y) -> Long.compareUnsigned(x.id(), y.id())).toList());
    return qs.map(CertificateOfMembership::of);
  }

  @Property
  void roundTrip(@ForAll("coms") CertificateOfMembership c) {
    byte[] b = c.serialize();
    assertThat(CertificateOfMembership.parse(b, 0, b.length)).isEqualTo(Parsed.ok(c, b.length));
  }

  @Property
  void randomBytesNeverThrow(@ForAll @Size(max = 320) byte[] junk) {
    Parsed<CertificateOfMembership> p = CertificateOfMembership.parse(junk, 0, junk.length);
    if (p.isOk()) {
      assertThat(p.value().serialize()).isEqualTo(java.util.Arrays.copyOf(junk, p.length()));
    }
  }
}
