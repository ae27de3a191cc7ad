package io.zt4j.node.vl2;

import static io.zt4j.node.vl2.Membership.AddResult.ACCEPTED_NEW;
import static io.zt4j.node.vl2.Membership.AddResult.ACCEPTED_REDUNDANT;
import static io.zt4j.node.vl2.Membership.AddResult.DEFERRED_FOR_WHOIS;
import static io.zt4j.node.vl2.Membership.AddResult.REJECTED;
import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.node.identity.Identity;
import io.zt4j.node.vl2.RulesEngine.Frame;
import io.zt4j.node.wire.CertificateOfMembership;
import io.zt4j.node.wire.InetAddress;
import io.zt4j.node.wire.MAC;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/** Credentials of other members, revocations, and the filter that uses them. */
class MembershipTest {
  static final long NWID = 0x8056c2e21c000001L;
  static final Identity CTL = TestIdentities.withAddress(0x8056c2e21cL, 1);
  static final Identity ME = TestIdentities.withAddress(0x1111111111L, 2);
  static final Identity PEER = TestIdentities.withAddress(0x2222222222L, 3);
  static final Identity OTHER_CTL = TestIdentities.withAddress(0x8056c2e21cL, 4);
  static final LongFunction<Identity> IDS = a -> a == CTL.address().toLong() ? CTL.withoutPrivateKey() : null;
  static final long T = 1_000_000;
  static final long WINDOW = NetworkConfig.DEFAULT_CREDENTIAL_TIME_MAX_DELTA;

  static NetworkConfig myConfig(long ts) {
    return NetworkConfig.builder().networkId(NWID).issuedTo(ME.address().toLong()).timestamp(ts)
        .com(CertificateOfMembership.create(ts, WINDOW, NWID, ME).sign(CTL)).build();
  }

  static CertificateOfMembership peerCom(long ts) {
    return CertificateOfMembership.create(ts, WINDOW, NWID, PEER).sign(CTL);
  }

  final Membership m = new Membership(PEER.address().toLong());

  @Test
  void comAdmitsAMemberWhoseCertificateAgreesWithOurs() {
    NetworkConfig mine = myConfig(T);
    assertThat(m.isAllowedOnNetwork(mine, PEER)).isFalse();
    assertThat(m.add(peerCom(T - 60_000), a -> null)).isEqualTo(DEFERRED_FOR_WHOIS);
    assertThat(m.missingIdentity()).isEqualTo(CTL.address().toLong());
    assertThat(m.add(peerCom(T - 60_000), IDS)).isEqualTo(ACCEPTED_NEW);
    assertThat(m.add(peerCom(T - 60_000), IDS)).isEqualTo(ACCEPTED_REDUNDANT);
    assertThat(m.isAllowedOnNetwork(mine, PEER)).isTrue();
    assertThat(m.isAllowedOnNetwork(mine, ME)).as("COM bound to PEER's identity").isFalse();
    assertThat(m.add(peerCom(T - 120_000), IDS)).as("older").isEqualTo(REJECTED);
    // Too far from our own COM's timestamp: no agreement.
    assertThat(m.add(peerCom(T + WINDOW + 1), IDS)).isEqualTo(ACCEPTED_NEW);
    assertThat(m.isAllowedOnNetwork(mine, PEER)).isFalse();
    // Signed by someone posing as the controller.
    Membership m2 = new Membership(PEER.address().toLong());
    assertThat(m2.add(CertificateOfMembership.create(T, WINDOW, NWID, PEER).sign(OTHER_CTL), IDS)).isEqualTo(REJECTED);
    assertThat(m2.add(CertificateOfMembership.create(T, WINDOW, NWID, PEER).sign(ME), IDS)).isEqualTo(REJECTED);
  }

  @Test
  void theAgreementFollowsOurConfigAndTheMembersIdentityWhenAskedRepeatedly() {
    m.add(peerCom(T), IDS);
    NetworkConfig mine = myConfig(T);
    for (int i = 0; i < 3; i++) {
      assertThat(m.isAllowedOnNetwork(mine, PEER)).isTrue();
      assertThat(m.isAllowedOnNetwork(mine, ME)).isFalse();
    }
    NetworkConfig later = myConfig(T + 10 * WINDOW);
    assertThat(m.isAllowedOnNetwork(later, PEER)).as("our newer COM no longer agrees").isFalse();
    assertThat(m.isAllowedOnNetwork(mine, PEER)).isTrue();
  }

  @Test
  void publicNetworksAdmitEveryone() {
    NetworkConfig pub = NetworkConfig.builder().networkId(NWID).issuedTo(ME.address().toLong())
        .type(NetworkConfig.TYPE_PUBLIC).build();
    assertThat(m.isAllowedOnNetwork(pub, PEER)).isTrue();
  }

  @Test
  void comRevocationCutsTheMemberOff() {
    NetworkConfig mine = myConfig(T);
    m.add(peerCom(T), IDS);
    assertThat(m.isAllowedOnNetwork(mine, PEER)).isTrue();
    Revocation r = Revocation.of(7, NWID, 0, T + 1, Revocation.FLAG_FAST_PROPAGATE, PEER.address().toLong(),
        CredentialType.COM);
    assertThat(m.add(r, IDS)).as("unsigned").isEqualTo(REJECTED);
    assertThat(m.add(r.sign(ME), IDS)).as("not the controller").isEqualTo(REJECTED);
    assertThat(m.add(r.sign(CTL), a -> null)).isEqualTo(DEFERRED_FOR_WHOIS);
    assertThat(m.add(r.sign(CTL), IDS)).isEqualTo(ACCEPTED_NEW);
    assertThat(m.add(r.sign(CTL), IDS)).isEqualTo(ACCEPTED_REDUNDANT);
    assertThat(m.isAllowedOnNetwork(mine, PEER)).isFalse();
    assertThat(m.add(peerCom(T), IDS)).as("the revoked COM again").isEqualTo(REJECTED);
    assertThat(m.add(peerCom(T + 2), IDS)).as("a newer COM after re-authorization").isEqualTo(ACCEPTED_NEW);
    assertThat(m.isAllowedOnNetwork(myConfig(T + 2), PEER)).isTrue();
  }

  @Test
  void tagsCountWithinTheCredentialWindowAndUntilRevoked() {
    NetworkConfig mine = myConfig(T);
    Tag t = Tag.of(NWID, T, PEER.address().toLong(), 5, 42).sign(CTL);
    assertThat(m.add(Tag.of(NWID, T, PEER.address().toLong(), 5, 42).sign(ME), IDS)).isEqualTo(REJECTED);
    assertThat(m.add(t, IDS)).isEqualTo(ACCEPTED_NEW);
    assertThat(m.add(t, IDS)).isEqualTo(ACCEPTED_REDUNDANT);
    assertThat(m.tag(mine, 5).value()).isEqualTo(42);
    assertThat(m.tag(myConfig(T + WINDOW + 1), 5)).as("outside the window").isNull();
    assertThat(m.add(Tag.of(NWID, T - 1, PEER.address().toLong(), 5, 1).sign(CTL), IDS)).as("older").isEqualTo(REJECTED);
    Revocation r = Revocation.of(1, NWID, 5, T, 0, PEER.address().toLong(), CredentialType.TAG).sign(CTL);
    assertThat(m.add(r, IDS)).isEqualTo(ACCEPTED_NEW);
    assertThat(m.tag(mine, 5)).as("revoked").isNull();
    assertThat(m.comRevocationThreshold()).as("ZeroTier 1.14 also raises the COM threshold").isEqualTo(T);
    assertThat(m.add(Tag.of(NWID, T, PEER.address().toLong(), 5, 43).sign(CTL), IDS)).isEqualTo(REJECTED);
    Tag newer = Tag.of(NWID, T + 1, PEER.address().toLong(), 5, 44).sign(CTL);
    assertThat(m.add(newer, IDS)).isEqualTo(ACCEPTED_NEW);
    assertThat(m.tag(mine, 5).value()).isEqualTo(44);
    m.clean(myConfig(T + WINDOW + 10));
    assertThat(m.tag(mine, 5)).as("cleaned out").isNull();
  }

  @Test
  void certificatesOfOwnershipAndNdpEmulatedAddresses() {
    NetworkConfig mine = myConfig(T).toBuilder().flags(NetworkConfig.FLAG_ENABLE_IPV6_NDP_EMULATION)
        .staticIps(List.of(ManagedAddresses.sixPlane(NWID, ME.address().toLong()))).build();
    byte[] v4 = TestFrames.ip4("10.0.0.2");
    MAC peerMac = MAC.fromAddress(PEER.address().toLong(), NWID);
    assertThat(m.ownsIp(mine, v4)).isFalse();
    CertificateOfOwnership coo = CertificateOfOwnership.of(NWID, T, PEER.address().toLong(), 1)
        .withThing(InetAddress.of(v4, 0)).withThing(peerMac).sign(CTL);
    assertThat(m.add(coo, IDS)).isEqualTo(ACCEPTED_NEW);
    assertThat(m.ownsIp(mine, v4)).isTrue();
    assertThat(m.ownsMac(mine, peerMac)).isTrue();
    assertThat(m.ownsIp(mine, TestFrames.ip4("10.0.0.3"))).isFalse();
    // Any address in the network's 6PLANE /40 counts, since we have a 6PLANE address.
    assertThat(m.ownsIp(mine, ManagedAddresses.sixPlane(NWID, PEER.address().toLong()).ip())).isTrue();
    assertThat(m.ownsIp(mine, TestFrames.ip6("fd00::1"))).isFalse();
  }

  @Test
  void capabilitiesGrantWhatTheBaseRulesDoNot() {
    // Base rules: nothing; a capability from the peer lets UDP 53 in; our own lets TCP 22 out.
    Rule udp53 = Rule.range(RuleType.MATCH_IP_DEST_PORT_RANGE, false, false, 53, 53);
    Rule tcp22 = Rule.range(RuleType.MATCH_IP_DEST_PORT_RANGE, false, false, 22, 22);
    Capability ours = Capability.of(1, NWID, T, 1, List.of(tcp22, Rule.action(RuleType.ACTION_ACCEPT)))
        .sign(CTL, ME.address().toLong());
    NetworkConfig mine = myConfig(T).toBuilder().capabilities(List.of(ours)).build();
    RulesEngine engine = new RulesEngine(ME.address().toLong(), new SplittableRandom(1));
    MAC meMac = MAC.fromAddress(ME.address().toLong(), NWID);
    MAC peerMac = MAC.fromAddress(PEER.address().toLong(), NWID);
    byte[] dns = TestFrames.ipv4(0, 17, "10.0.0.2", "10.0.0.1", TestFrames.udp(999, 53, 4));
    byte[] ssh = TestFrames.ipv4(0, 6, "10.0.0.1", "10.0.0.2", TestFrames.tcp(999, 22, 2));
    Frame in = new Frame(true, PEER.address().toLong(), ME.address().toLong(), peerMac, meMac, 0x0800, 0, dns, 0,
        dns.length);
    Frame out = new Frame(false, ME.address().toLong(), PEER.address().toLong(), meMac, peerMac, 0x0800, 0, ssh, 0,
        ssh.length);
    assertThat(FrameFilter.incoming(engine, mine, m, in).accepted()).isFalse();
    assertThat(FrameFilter.outgoing(engine, mine, m, out, false).accepted()).isTrue();
    Capability theirs = Capability.of(9, NWID, T, 1, List.of(udp53, Rule.action(RuleType.ACTION_ACCEPT)))
        .sign(CTL, PEER.address().toLong());
    assertThat(m.add(theirs, IDS)).isEqualTo(ACCEPTED_NEW);
    assertThat(FrameFilter.incoming(engine, mine, m, in).accepted()).isTrue();
    NetworkConfig noCaps = myConfig(T);
    assertThat(FrameFilter.outgoing(engine, noCaps, m, out, false).accepted()).isFalse();
  }

  @Test
  void teeAndRedirectBecomeExtFrameCopies() {
    long third = 0x3333333333L;
    RulesEngine engine = new RulesEngine(ME.address().toLong(), new SplittableRandom(1));
    MAC meMac = MAC.fromAddress(ME.address().toLong(), NWID);
    MAC peerMac = MAC.fromAddress(PEER.address().toLong(), NWID);
    byte[] d = TestFrames.ipv4(0, 17, "10.0.0.1", "10.0.0.2", TestFrames.udp(1, 2, 100));
    Frame out = new Frame(false, ME.address().toLong(), PEER.address().toLong(), meMac, peerMac, 0x0800, 0, d, 0,
        d.length);
    NetworkConfig tee = myConfig(T).toBuilder().rules(List.of(
        Rule.forward(RuleType.ACTION_WATCH, false, false, third, 0, 64), Rule.action(RuleType.ACTION_ACCEPT))).build();
    FrameFilter.Decision dt = FrameFilter.outgoing(engine, tee, m, out, false);
    assertThat(dt.accepted()).isTrue();
    assertThat(dt.copies()).containsExactly(new FrameFilter.Copy(third, FrameFilter.EXT_FRAME_WATCH_OUTBOUND, 64));
    assertThat(FrameFilter.outgoing(engine, tee, m, out, true).copies()).as("noTee").isEmpty();
    NetworkConfig redirect = myConfig(T).toBuilder().rules(List.of(
        Rule.forward(RuleType.ACTION_REDIRECT, false, false, third, 0, 0))).build();
    FrameFilter.Decision dr = FrameFilter.outgoing(engine, redirect, m, out, false);
    assertThat(dr.accepted()).as("not delivered to the original destination").isFalse();
    assertThat(dr.copies()).containsExactly(
        new FrameFilter.Copy(third, FrameFilter.EXT_FRAME_REDIRECT_OUTBOUND, d.length));
    Frame in = new Frame(true, PEER.address().toLong(), ME.address().toLong(), peerMac, meMac, 0x0800, 0, d, 0,
        d.length);
    FrameFilter.Decision di = FrameFilter.incoming(engine, tee, m, in);
    assertThat(di.copies()).containsExactly(new FrameFilter.Copy(third, FrameFilter.EXT_FRAME_WATCH_INBOUND, 64));
    assertThat(FrameFilter.incoming(engine, redirect, m, in).copies()).containsExactly(
        new FrameFilter.Copy(third, FrameFilter.EXT_FRAME_REDIRECT_INBOUND, d.length));
  }

  @Test
  void multicastLikeGateOpensOncePerPeriod() {
    assertThat(m.multicastLikeGate(0)).isTrue();
    assertThat(m.multicastLikeGate(59_999)).isFalse();
    assertThat(m.multicastLikeGate(60_000)).isTrue();
  }
}
