package io.zt4j.stack.iface;

import static io.zt4j.stack.iface.HostBehaviourTest.host;
import static io.zt4j.stack.iface.HostBehaviourTest.icmp6;
import static io.zt4j.stack.iface.HostBehaviourTest.v6Frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.wire.Bytes;
import io.zt4j.stack.wire.Icmpv6Packet;
import io.zt4j.stack.wire.Icmpv6Repr;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpProtocol;
import io.zt4j.stack.wire.Ipv6Packet;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stack as an MLD listener (RFC 2710 §4, RFC 3810 §6.2): queries from a link-local querier are
 * answered within their maximum response delay, in the querier's version, with every group we
 * listen to except all-nodes (general query) or with the queried group if we listen to it.
 */
class MldListenerTest {
  static final IpAddress QUERIER = IpAddress.parse("fe80::1");
  static final IpAddress JOINED = IpAddress.parse("ff12::1234");
  static final long MS = 1_000_000L;

  /** An MLDv2 query (28 bytes: the v1 body plus S/QRV, QQIC and zero sources). */
  static byte[] v2Query(int maxRespCode, IpAddress group, IpAddress dst) {
    byte[] b = Arrays.copyOf(icmp6(new Icmpv6Repr.MldQuery(maxRespCode, group), QUERIER, dst), 28);
    b[24] = 2; // QRV 2
    b[25] = 125; // QQIC
    Bytes.put16(b, 2, 0);
    Icmpv6Packet.fillChecksum(b, 0, 28, QUERIER.hi(), QUERIER.lo(), dst.hi(), dst.lo());
    return b;
  }

  static byte[] frame(IpAddress src, IpAddress dst, byte[] icmp) {
    return v6Frame(dst.multicastMac(), src, dst, IpProtocol.ICMPV6, 1, icmp);
  }

  /** The MLD message inside one of our frames (after Ethernet, IPv6 and the 8-byte Hop-by-Hop). */
  static Icmpv6Repr mld(byte[] f) {
    Ipv6Packet ip = new Ipv6Packet();
    assertThat(ip.wrap(f, 14, f.length - 14)).isTrue();
    assertThat(ip.hopLimit()).isEqualTo(1);
    assertThat(ip.nextHeader()).isEqualTo(IpProtocol.HOPOPT);
    Icmpv6Packet p = new Icmpv6Packet();
    assertThat(p.wrap(f, 62, f.length - 62)).isTrue();
    return Icmpv6Repr.parse(p);
  }

  @Test
  void generalV2QueryIsAnsweredWithinTheDelayWithEveryGroupButAllNodes() {
    ScriptedHost h = host();
    h.ifc.join(JOINED);
    h.take();
    h.in(frame(QUERIER, IpAddress.ALL_NODES, v2Query(1000, IpAddress.ANY_V6, IpAddress.ALL_NODES)));
    assertThat(h.stack.pollAt()).isBetween(h.now, h.now + 1000 * MS);
    h.advance(1000 * MS);
    List<byte[]> out = h.take();
    assertThat(out).hasSize(1);
    assertThat(ScriptedHost.eth(out.get(0)).dst()).isEqualTo(0x333300000016L);
    Icmpv6Repr.MldReport r = (Icmpv6Repr.MldReport) mld(out.get(0));
    assertThat(r.records()).allMatch(rec -> rec.recordType() == Icmpv6Repr.MldReport.MODE_IS_EXCLUDE && rec.sources().isEmpty());
    // fd09::2 and fe80::ff:fe00:2 share their solicited-node group ff02::1:ff00:2
    assertThat(IpAddress.parse("fd09::2").solicitedNode()).isEqualTo(h.ifc.linkLocalAddress().solicitedNode());
    assertThat(r.records().stream().map(Icmpv6Repr.MldReport.Record::group))
        .containsExactlyInAnyOrder(JOINED, IpAddress.parse("ff02::1:ff00:2"))
        .doesNotContain(IpAddress.ALL_NODES);
    h.advance(10_000 * MS);
    assertThat(h.take()).isEmpty(); // answered once
  }

  @Test
  void v1QueryIsAnsweredWithV1ReportsToEachGroup() {
    ScriptedHost h = host();
    h.ifc.join(JOINED);
    h.take();
    h.in(frame(QUERIER, IpAddress.ALL_NODES, icmp6(new Icmpv6Repr.MldQuery(500, IpAddress.ANY_V6), QUERIER, IpAddress.ALL_NODES)));
    h.advance(500 * MS);
    List<byte[]> out = h.take();
    assertThat(out).hasSize(2); // ff12::1234 and the solicited-node group ff02::1:ff00:2
    for (byte[] f : out) {
      Icmpv6Repr.MldV1Report r = (Icmpv6Repr.MldV1Report) mld(f);
      assertThat(ScriptedHost.eth(f).dst()).isEqualTo(r.group().multicastMac());
    }
    assertThat(out.stream().map(f -> ((Icmpv6Repr.MldV1Report) mld(f)).group())).contains(JOINED);
  }

  @Test
  void specificQueryOnlyForAGroupWeListenTo() {
    ScriptedHost h = host();
    h.ifc.join(JOINED);
    h.take();
    IpAddress other = IpAddress.parse("ff12::99");
    h.in(frame(QUERIER, other, v2Query(100, other, other)));
    h.advance(200 * MS);
    assertThat(h.take()).isEmpty();
    h.in(frame(QUERIER, JOINED, v2Query(100, JOINED, JOINED)));
    h.advance(200 * MS);
    Icmpv6Repr.MldReport r = (Icmpv6Repr.MldReport) mld(h.takeOne());
    assertThat(r.records()).extracting(Icmpv6Repr.MldReport.Record::group).containsExactly(JOINED);
  }

  @Test
  void queriesFromANonLinkLocalSourceAreIgnoredAndLongCodesDecodeExponentially() {
    ScriptedHost h = host();
    IpAddress offLink = IpAddress.parse("fd09::1");
    byte[] q = icmp6(new Icmpv6Repr.MldQuery(10, IpAddress.ANY_V6), offLink, IpAddress.ALL_NODES);
    h.in(frame(offLink, IpAddress.ALL_NODES, q));
    h.advance(1000 * MS);
    assertThat(h.take()).isEmpty();
    // code 0x8000 + mantissa 0, exponent 0: (0x1000) << 3 = 32768 ms at most
    h.in(frame(QUERIER, IpAddress.ALL_NODES, v2Query(0x8000, IpAddress.ANY_V6, IpAddress.ALL_NODES)));
    assertThat(h.stack.pollAt()).isLessThanOrEqualTo(h.now + 32_768 * MS);
    h.advance(32_768 * MS);
    assertThat(h.take()).hasSize(1);
  }
}
