package io.zt4j.node.vl2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.wire.DropReason;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import io.zt4j.node.wire.Parsed;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CredentialsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final long NWID = 0x8056c2e21c000001L;
  private static final long CONTROLLER = 0x8056c2e21cL;
  private static final Identity CTL = TestIdentities.withAddress(CONTROLLER, 1);
  private static final Identity MEMBER = TestIdentities.withAddress(0x1122334455L, 2);
  private static final Identity OTHER = TestIdentities.withAddress(0x6677889900L, 3);
  private static final LongFunction<Identity> KNOWN = a -> a == CONTROLLER ? CTL.withoutPrivateKey()
      : a == MEMBER.address().toLong() ? MEMBER.withoutPrivateKey()
      : a == OTHER.address().toLong() ? OTHER.withoutPrivateKey() : null;

  private static final String ZERO_SIG = "00".repeat(96);

  @Test
  void tagLayout() {
    Tag t = Tag.of(NWID, 0x0102030405060708L, 0x1122334455L, 7, 0xdeadbeefL);
    assertThat(HEX.formatHex(t.serialize())).isEqualTo(
        "8056c2e21c000001" + "0102030405060708" + "00000007" + "deadbeef" + "1122334455" + "0000000000"
            + "01" + "0060" + ZERO_SIG + "0000");
    assertThat(t.serialize()).hasSize(Tag.SERIALIZED_LENGTH);
    assertThat(HEX.formatHex(t.signedMessage())).isEqualTo("7f7f7f7f7f7f7f7f" + "8056c2e21c000001"
        + "0102030405060708" + "00000007" + "deadbeef" + "1122334455" + "0000000000" + "0000" + "7f7f7f7f7f7f7f7f");
    Tag signed = t.sign(CTL);
    assertThat(signed.signedBy()).isEqualTo(CONTROLLER);
    assertThat(signed.verify(KNOWN)).isEqualTo(Verification.OK);
    assertThat(Tag.parse(signed.serialize(), 0, Tag.SERIALIZED_LENGTH).value()).isEqualTo(signed);
    assertThat(t.verify(KNOWN)).as("unsigned").isEqualTo(Verification.BAD);
    assertThat(t.sign(OTHER).verify(KNOWN)).as("not signed by the controller").isEqualTo(Verification.BAD);
    assertThat(signed.verify(a -> null)).isEqualTo(Verification.needIdentity(CONTROLLER));
    Tag forged = Tag.parse(replaceValue(signed.serialize(), 20, 0x12), 0, Tag.SERIALIZED_LENGTH).value();
    assertThat(forged.value()).isNotEqualTo(signed.value());
    assertThat(forged.verify(KNOWN)).isEqualTo(Verification.BAD);
  }

  @Test
  void revocationLayout() {
    Revocation r = Revocation.of(0x01020304L, NWID, 0, 0x0000018000000000L, Revocation.FLAG_FAST_PROPAGATE,
        0x1122334455L, CredentialType.COM);
    assertThat(HEX.formatHex(r.serialize())).isEqualTo("00000000" + "01020304" + "8056c2e21c000001" + "00000000"
        + "00000000" + "0000018000000000" + "0000000000000001" + "1122334455" + "0000000000" + "01" + "01"
        + "0060" + ZERO_SIG + "0000");
    assertThat(r.serialize()).hasSize(Revocation.SERIALIZED_LENGTH);
    Revocation s = r.sign(CTL);
    assertThat(s.verify(KNOWN)).isEqualTo(Verification.OK);
    Revocation back = Revocation.parse(s.serialize(), 0, Revocation.SERIALIZED_LENGTH).value();
    assertThat(back).isEqualTo(s);
    assertThat(back.credentialType()).isEqualTo(CredentialType.COM);
    assertThat(back.fastPropagate()).isTrue();
    assertThat(back.target()).isEqualTo(0x1122334455L);
    assertThat(r.sign(MEMBER).verify(KNOWN)).isEqualTo(Verification.BAD);
  }

  @Test
  void certificateOfOwnershipLayoutAndOwnership() {
    CertificateOfOwnership c = CertificateOfOwnership.of(NWID, 99, 0x1122334455L, 5)
        .withThing(InetAddress.fromIpString("10.1.2.3").orElseThrow())
        .withThing(MAC.of(0x02, 0, 0, 0, 0, 1));
    assertThat(HEX.formatHex(c.serialize())).isEqualTo("8056c2e21c000001" + "0000000000000063" + "0000000000000000"
        + "00000005" + "0002" + "02" + "0a010203" + "00".repeat(12) + "01" + "020000000001" + "00".repeat(10)
        + "1122334455" + "0000000000" + "01" + "0060" + ZERO_SIG + "0000");
    assertThat(c.owns(InetAddress.fromIpString("10.1.2.3").orElseThrow())).isTrue();
    assertThat(c.owns(InetAddress.fromIpString("10.1.2.4").orElseThrow())).isFalse();
    assertThat(c.owns(MAC.of(0x02, 0, 0, 0, 0, 1))).isTrue();
    assertThat(c.owns(MAC.of(0x02, 0, 0, 0, 0, 2))).isFalse();
    CertificateOfOwnership s = c.sign(CTL);
    assertThat(s.verify(KNOWN)).isEqualTo(Verification.OK);
    assertThat(CertificateOfOwnership.parse(s.serialize(), 0, s.serializedLength()).value()).isEqualTo(s);
  }

  @Test
  void cooWithMoreThanSixteenThingsIsRefused() {
    byte[] b = CertificateOfOwnership.of(NWID, 1, 1, 1).serialize();
    b[28] = 0;
    b[29] = 17;
    assertThat(CertificateOfOwnership.parse(b, 0, b.length).reason()).isEqualTo(DropReason.TOO_MANY);
  }

  @Test
  void capabilityLayoutAndCustodyChain() {
    List<Rule> rules = List.of(Rule.scalar(RuleType.MATCH_ETHERTYPE, false, false, 0x0800),
        Rule.action(RuleType.ACTION_ACCEPT));
    Capability c = Capability.of(3, NWID, 42, 2, rules);
    assertThat(HEX.formatHex(c.serialize())).isEqualTo("8056c2e21c000001" + "000000000000002a" + "00000003"
        + "0002" + "25020800" + "0100" + "02" + "0000000000" + "0000");
    assertThat(HEX.formatHex(c.signedMessage())).isEqualTo("7f7f7f7f7f7f7f7f" + "8056c2e21c000001"
        + "000000000000002a" + "00000003" + "0002" + "25020800" + "0100" + "02" + "0000" + "7f7f7f7f7f7f7f7f");
    assertThat(c.verify(KNOWN)).as("no custody").isEqualTo(Verification.BAD);

    Capability one = c.sign(CTL, MEMBER.address().toLong());
    assertThat(one.issuedTo()).isEqualTo(MEMBER.address().toLong());
    assertThat(one.verify(KNOWN)).isEqualTo(Verification.OK);
    Capability two = one.sign(MEMBER, OTHER.address().toLong());
    assertThat(two.issuedTo()).isEqualTo(OTHER.address().toLong());
    assertThat(two.verify(KNOWN)).isEqualTo(Verification.OK);
    assertThatThrownBy(() -> two.sign(OTHER, 0x1234567890L)).isInstanceOf(IllegalStateException.class);
    byte[] wire = two.serialize();
    Parsed<Capability> back = Capability.parse(wire, 0, wire.length);
    assertThat(back.value()).isEqualTo(two);
    assertThat(back.length()).isEqualTo(wire.length);

    assertThat(one.sign(OTHER, MEMBER.address().toLong()).verify(KNOWN))
        .as("second hop not signed by the first recipient").isEqualTo(Verification.BAD);
    assertThat(c.sign(MEMBER, OTHER.address().toLong()).verify(KNOWN))
        .as("first hop not from the controller").isEqualTo(Verification.BAD);
    assertThat(two.verify(a -> a == CONTROLLER ? CTL : null))
        .isEqualTo(Verification.needIdentity(MEMBER.address().toLong()));
  }

  @Test
  void capabilityLimitsAreEnforcedOnParse() {
    Capability c = Capability.of(3, NWID, 42, 1, List.of()).sign(CTL, 0x1122334455L);
    byte[] wire = c.serialize();
    byte[] badMccl = wire.clone();
    badMccl[22] = 0;
    assertThat(Capability.parse(badMccl, 0, badMccl.length).reason()).isEqualTo(DropReason.MALFORMED);
    byte[] tooMany = wire.clone();
    tooMany[20] = 0;
    tooMany[21] = 65;
    assertThat(Capability.parse(tooMany, 0, tooMany.length).reason()).isEqualTo(DropReason.TOO_MANY);
    // A second custody entry beyond a chain length of 1.
    Capability two = Capability.of(3, NWID, 42, 2, List.of()).sign(CTL, 0x1122334455L).sign(MEMBER, 0x66L);
    byte[] w2 = two.serialize();
    w2[22] = 1;
    assertThat(Capability.parse(w2, 0, w2.length).reason()).isEqualTo(DropReason.TOO_MANY);
  }

  @Test
  void signatureBlockOfAnotherTypeIsSkippedAndAWrongLengthRefused() {
    Tag t = Tag.of(NWID, 1, 2, 3, 4);
    byte[] w = t.serialize();
    // type 2 with a 3-byte body instead of the Ed25519 block
    byte[] other = new byte[34 + 1 + 2 + 3 + 2];
    System.arraycopy(w, 0, other, 0, 34);
    other[34] = 2;
    other[36] = 3;
    Parsed<Tag> p = Tag.parse(other, 0, other.length);
    assertThat(p.isOk()).isTrue();
    assertThat(p.length()).isEqualTo(other.length);
    byte[] wrongLen = w.clone();
    wrongLen[36] = 0x5f;
    assertThat(Tag.parse(wrongLen, 0, wrongLen.length).reason()).isEqualTo(DropReason.MALFORMED);
  }

  @Property
  void parsersNeverThrowOnArbitraryBytes(@ForAll @Size(max = 300) byte[] bytes) {
    for (Parsed<?> p : List.of(Tag.parse(bytes, 0, bytes.length), Revocation.parse(bytes, 0, bytes.length),
        CertificateOfOwnership.parse(bytes, 0, bytes.length), Capability.parse(bytes, 0, bytes.length))) {
      if (p.isOk()) {
        assertThat(p.length()).isBetween(0, bytes.length);
      } else {
        assertThat(p.reason()).isNotNull();
      }
    }
  }

  @Test
  void everyTruncationOfASignedCapabilityIsDropped() {
    Capability c = Capability.of(9, NWID, 1, 3, List.of(Rule.action(RuleType.ACTION_DROP))).sign(CTL, 0x1122334455L);
    byte[] w = c.serialize();
    for (int n = 0; n < w.length; n++) {
      assertThat(Capability.parse(w, 0, n).reason()).as("length " + n).isEqualTo(DropReason.TRUNCATED);
    }
  }

  private static byte[] replaceValue(byte[] b, int off, int v) {
    byte[] c = b.clone();
    c[off] = (byte) v;
    return c;
  }
}
