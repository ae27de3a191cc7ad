package io.zt4j.stack.wire;

import static io.zt4j.stack.wire.Frames.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class IcmpUdpTest {
  private static final IpAddress A1 = IpAddress.parse("10.9.0.1");
  private static final IpAddress A2 = IpAddress.parse("10.9.0.2");
  private static final IpAddress B1 = IpAddress.parse("fd09::1");
  private static final IpAddress B2 = IpAddress.parse("fd09::2");
  private static final long MAC1 = 0x020000000001L;

  private static byte[] tail(byte[] f, int from) {
    return Arrays.copyOfRange(f, from, f.length);
  }

  @Test
  void icmpv4Echo() {
    byte[] f = hex(Frames.ICMP4_ECHO_REQUEST);
    Icmpv4Packet p = new Icmpv4Packet();
    assertThat(p.wrap(f, 34, f.length - 34)).isTrue();
    Icmpv4Repr r = Icmpv4Repr.parse(p);
    assertThat(r).isInstanceOf(Icmpv4Repr.EchoRequest.class);
    Icmpv4Repr.EchoRequest e = (Icmpv4Repr.EchoRequest) r;
    assertThat(e.identifier()).isEqualTo(0x316b);
    assertThat(e.sequence()).isEqualTo(1);
    assertThat(e.data()).isEqualTo(hex("4100000000000000"));
    byte[] out = new byte[r.bufferLength()];
    r.emit(out, 0);
    assertThat(out).isEqualTo(tail(f, 34));

    byte[] reply = hex(Frames.ICMP4_ECHO_REPLY);
    byte[] built = new byte[12];
    new Icmpv4Repr.EchoReply(0x1234, 7, "abcd".getBytes()).emit(built, 0);
    assertThat(built).isEqualTo(tail(reply, 34));
  }

  @Test
  void icmpv4PortUnreachableQuotesTheDatagram() {
    byte[] f = hex(Frames.ICMP4_PORT_UNREACHABLE);
    Icmpv4Packet p = new Icmpv4Packet();
    assertThat(p.wrap(f, 34, f.length - 34)).isTrue();
    assertThat(p.isError()).isTrue();
    Icmpv4Repr.DestinationUnreachable du = (Icmpv4Repr.DestinationUnreachable) Icmpv4Repr.parse(p);
    assertThat(du.code()).isEqualTo(Icmpv4Packet.CODE_PORT_UNREACHABLE);
    Ipv4Packet quoted = new Ipv4Packet();
    assertThat(quoted.wrap(du.data(), 0, du.data().length)).isTrue();
    assertThat(quoted.dst()).isEqualTo(A1.v4());
    UdpPacket u = new UdpPacket();
    assertThat(u.wrap(du.data(), 20, 12)).isTrue();
    assertThat(u.dstPort()).isEqualTo(9);
    byte[] out = new byte[du.bufferLength()];
    du.emit(out, 0);
    assertThat(out).isEqualTo(tail(f, 34));
    f[40]++;
    assertThat(p.wrap(f, 34, f.length - 34)).isFalse();
    assertThat(p.error()).isEqualTo(WireError.BAD_CHECKSUM);
  }

  @Test
  void fragmentationNeededCarriesTheMtu() {
    byte[] b = new byte[8 + 28];
    new Icmpv4Repr.DestinationUnreachable(Icmpv4Packet.CODE_FRAGMENTATION_NEEDED, 1400, new byte[28]).emit(b, 0);
    Icmpv4Packet p = new Icmpv4Packet();
    assertThat(p.wrap(b, 0, b.length)).isTrue();
    assertThat(p.nextHopMtu()).isEqualTo(1400);
    assertThat(Bytes.u16(b, 4)).isZero();
  }

  @Test
  void icmpv6EchoChecksumUsesThePseudoHeader() {
    byte[] f = hex(Frames.ICMP6_ECHO_REQUEST);
    Ipv6Packet ip = new Ipv6Packet();
    ip.wrap(f, 14, f.length - 14);
    Icmpv6Packet p = new Icmpv6Packet();
    assertThat(p.wrap(f, 54, 16)).isTrue();
    assertThat(p.verifies(ip.pseudoHeaderSum(IpProtocol.ICMPV6, 16))).isTrue();
    assertThat(p.verifies(Checksum.pseudoHeader(B2.hi(), B2.lo(), B2.hi(), B2.lo(), IpProtocol.ICMPV6, 16))).isFalse();
    Icmpv6Repr r = Icmpv6Repr.parse(p);
    assertThat(r).usingRecursiveComparison()
        .isEqualTo(new Icmpv6Repr.EchoRequest(0x316d, 1, hex("4200000000000000")));
    byte[] out = new byte[16];
    r.emit(out, 0, B1, B2);
    assertThat(out).isEqualTo(tail(f, 54));
  }

  @Test
  void neighborDiscoveryFromTheKernel() {
    byte[] na = hex(Frames.NA);
    Icmpv6Packet p = new Icmpv6Packet();
    assertThat(p.wrap(na, 54, na.length - 54)).isTrue();
    Icmpv6Repr r = Icmpv6Repr.parse(p);
    assertThat(r).isEqualTo(new Icmpv6Repr.NeighborAdvertisement(false, true, true, B1, MAC1));
    byte[] out = new byte[r.bufferLength()];
    r.emit(out, 0, B1, B2);
    assertThat(out).isEqualTo(tail(na, 54));

    byte[] rs = hex(Frames.RS);
    assertThat(p.wrap(rs, 54, rs.length - 54)).isTrue();
    r = Icmpv6Repr.parse(p);
    assertThat(r).isEqualTo(new Icmpv6Repr.RouterSolicitation(MAC1));
    out = new byte[r.bufferLength()];
    r.emit(out, 0, IpAddress.parse("fe80::ff:fe00:1"), IpAddress.ALL_ROUTERS);
    assertThat(out).isEqualTo(tail(rs, 54));

    // DAD probe: unspecified source, no SLLA, plus a Nonce option we skip.
    byte[] ns = hex(Frames.DAD_NS);
    assertThat(p.wrap(ns, 54, ns.length - 54)).isTrue();
    Ipv6Packet ip = new Ipv6Packet();
    ip.wrap(ns, 14, ns.length - 14);
    assertThat(p.verifies(ip.pseudoHeaderSum(IpProtocol.ICMPV6, p.length()))).isTrue();
    assertThat(Icmpv6Repr.parse(p)).isEqualTo(new Icmpv6Repr.NeighborSolicitation(IpAddress.parse("fe80::ff:fe00:1"), -1));
  }

  @Test
  void mldv2ReportFromTheKernel() {
    byte[] f = hex(Frames.MLD2_REPORT);
    Icmpv6Packet p = new Icmpv6Packet();
    assertThat(p.wrap(f, 62, 28)).isTrue();
    Icmpv6Repr r = Icmpv6Repr.parse(p);
    Icmpv6Repr.MldReport expected = new Icmpv6Repr.MldReport(List.of(new Icmpv6Repr.MldReport.Record(
        Icmpv6Repr.MldReport.CHANGE_TO_EXCLUDE, IpAddress.parse("ff02::1:ff00:1"), List.of())));
    assertThat(r).isEqualTo(expected);
    byte[] out = new byte[28];
    r.emit(out, 0, IpAddress.ANY_V6, IpAddress.ALL_MLDV2_ROUTERS);
    assertThat(out).isEqualTo(tail(f, 62));
  }

  @Test
  void routerAdvertisementRoundTripsWithOptions() {
    Icmpv6Repr.RouterAdvertisement ra = new Icmpv6Repr.RouterAdvertisement(
        64, false, true, 1800, 30000, 1000, 0x0200000000feL, 2800,
        List.of(new NdpOptions.PrefixInfo(IpPrefix.parse("fd09::/64"), true, true, 86400, 14400)));
    byte[] b = new byte[ra.bufferLength()];
    assertThat(ra.emit(b, 0, IpAddress.parse("fe80::1"), IpAddress.ALL_NODES)).isEqualTo(16 + 8 + 8 + 32);
    Icmpv6Packet p = new Icmpv6Packet();
    assertThat(p.wrap(b, 0, b.length)).isTrue();
    assertThat(p.verifies(Checksum.pseudoHeader(
        IpAddress.parse("fe80::1").hi(), 1, IpAddress.ALL_NODES.hi(), 1, IpProtocol.ICMPV6, b.length))).isTrue();
    assertThat(Icmpv6Repr.parse(p)).isEqualTo(ra);
  }

  @Test
  void badNdpOptionsAreRejected() {
    NdpOptions o = new NdpOptions();
    assertThat(o.parse(hex("0100 020000000001"), 0, 8)).isFalse(); // length 0
    assertThat(o.parse(hex("0102 020000000001"), 0, 8)).isFalse(); // runs past the end
    assertThat(o.parse(hex("0101 020000000001 0501 0000 00000af0"), 0, 16)).isTrue();
    assertThat(o.sourceMac).isEqualTo(MAC1);
    assertThat(o.mtu).isEqualTo(2800);
    assertThat(o.targetMac).isEqualTo(-1);
  }

  @Test
  void udpV4AndV6FromTheKernel() {
    byte[] f = hex(Frames.UDP4);
    Ipv4Packet ip = new Ipv4Packet();
    ip.wrap(f, 14, f.length - 14);
    UdpPacket u = new UdpPacket();
    assertThat(u.wrap(f, 34, f.length - 34)).isTrue();
    assertThat(UdpRepr.parse(u)).isEqualTo(new UdpRepr(4000, 5000));
    assertThat(u.payloadLength()).isEqualTo(2);
    assertThat(u.verifies(ip.pseudoHeaderSum(), true)).isTrue();
    byte[] out = Arrays.copyOf(hex("0000000000000000 6869"), 10);
    new UdpRepr(4000, 5000).emit(out, 0, 2, A1, A2);
    assertThat(out).isEqualTo(tail(f, 34));

    byte[] g = hex(Frames.UDP6);
    Ipv6Packet ip6 = new Ipv6Packet();
    ip6.wrap(g, 14, g.length - 14);
    assertThat(u.wrap(g, 54, g.length - 54)).isTrue();
    assertThat(u.verifies(ip6.pseudoHeaderSum(IpProtocol.UDP, u.length()), false)).isTrue();
    out = Arrays.copyOf(hex("0000000000000000 796f"), 10);
    new UdpRepr(4000, 5000).emit(out, 0, 2, B1, B2);
    assertThat(out).isEqualTo(tail(g, 54));
  }

  @Test
  void udpZeroChecksumOnlyOverIpv4() {
    byte[] d = hex("0fa0 1388 000a 0000 6869");
    UdpPacket u = new UdpPacket();
    assertThat(u.wrap(d, 0, d.length)).isTrue();
    assertThat(u.verifies(12345, true)).isTrue();
    assertThat(u.verifies(12345, false)).isFalse();
    assertThat(u.wrap(d, 0, 9)).isFalse();
    assertThat(u.error()).isEqualTo(WireError.BAD_LENGTH);
  }

  @Property
  void udpRoundTripsAndVerifies(
      @ForAll @IntRange(max = 0xFFFF) int sp, @ForAll @IntRange(max = 0xFFFF) int dp,
      @ForAll @Size(max = 300) byte[] payload, @ForAll boolean v6) {
    IpAddress s = v6 ? B1 : A1;
    IpAddress d = v6 ? B2 : A2;
    byte[] b = new byte[8 + payload.length];
    System.arraycopy(payload, 0, b, 8, payload.length);
    new UdpRepr(sp, dp).emit(b, 0, payload.length, s, d);
    UdpPacket u = new UdpPacket();
    assertThat(u.wrap(b, 0, b.length)).isTrue();
    assertThat(UdpRepr.parse(u)).isEqualTo(new UdpRepr(sp, dp));
    assertThat(u.checksum()).isNotZero();
    assertThat(u.verifies(Checksum.pseudoHeader(s.hi(), s.lo(), d.hi(), d.lo(), IpProtocol.UDP, b.length), false)).isTrue();
  }

  @Property
  void icmpv6NdpRoundTrips(@ForAll long th, @ForAll long tl, @ForAll boolean r, @ForAll boolean s, @ForAll boolean o,
      @ForAll long mac, @ForAll boolean withMac) {
    IpAddress t = IpAddress.of(th | 1L << 40, tl);
    long m = withMac ? mac & MacAddress.MASK : -1;
    for (Icmpv6Repr repr : List.of(new Icmpv6Repr.NeighborAdvertisement(r, s, o, t, m),
        new Icmpv6Repr.NeighborSolicitation(t, m))) {
      byte[] b = new byte[repr.bufferLength()];
      repr.emit(b, 0, B1, t);
      Icmpv6Packet p = new Icmpv6Packet();
      assertThat(p.wrap(b, 0, b.length)).isTrue();
      assertThat(p.verifies(Checksum.pseudoHeader(B1.hi(), B1.lo(), t.hi(), t.lo(), IpProtocol.ICMPV6, b.length))).isTrue();
      assertThat(Icmpv6Repr.parse(p)).isEqualTo(repr);
    }
  }
}
