package io.zt4j.stack.wire;

import static io.zt4j.stack.wire.Frames.hex;
import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class IpTest {
  private static final IpAddress A1 = IpAddress.parse("10.9.0.1");
  private static final IpAddress A2 = IpAddress.parse("10.9.0.2");
  private static final IpAddress B1 = IpAddress.parse("fd09::1");
  private static final IpAddress B2 = IpAddress.parse("fd09::2");

  @Test
  void decodesIpv4() {
    byte[] f = hex(Frames.ICMP4_ECHO_REQUEST);
    Ipv4Packet ip = new Ipv4Packet();
    assertThat(ip.wrap(f, 14, f.length - 14)).isTrue();
    assertThat(Ipv4Repr.parse(ip)).isEqualTo(new Ipv4Repr(A1, A2, IpProtocol.ICMP, 16, 64, 0, 0x079a, true, false, 0));
    assertThat(ip.headerLength()).isEqualTo(20);
    assertThat(ip.payloadOffset()).isEqualTo(34);
    assertThat(ip.isFragment()).isFalse();
  }

  @Test
  void encodesIpv4() {
    byte[] f = hex(Frames.ICMP4_ECHO_REQUEST);
    byte[] out = f.clone();
    java.util.Arrays.fill(out, 14, 34, (byte) 0);
    new Ipv4Repr(A1, A2, IpProtocol.ICMP, 16, 64, 0, 0x079a, true, false, 0).emit(out, 14);
    assertThat(out).isEqualTo(f);
  }

  @Test
  void ipv4IgnoresEthernetPaddingAndSkipsOptions() {
    // 20-byte header + 4 bytes of options (NOP NOP NOP EOL) + 2 bytes payload, then 4 bytes padding.
    byte[] p = new byte[30];
    p[0] = 0x46;
    Bytes.put16(p, 2, 26);
    p[8] = 64;
    p[9] = 17;
    Bytes.put32(p, 12, A1.v4());
    Bytes.put32(p, 16, A2.v4());
    p[20] = 1;
    p[21] = 1;
    p[22] = 1;
    p[23] = 0;
    p[24] = 'h';
    p[25] = 'i';
    Bytes.put16(p, 10, Checksum.of(p, 0, 24));
    Ipv4Packet ip = new Ipv4Packet();
    assertThat(ip.wrap(p, 0, p.length)).isTrue();
    assertThat(ip.headerLength()).isEqualTo(24);
    assertThat(ip.payloadOffset()).isEqualTo(24);
    assertThat(ip.payloadLength()).isEqualTo(2);
    assertThat(ip.length()).isEqualTo(26);
  }

  @Test
  void ipv4Rejections() {
    byte[] f = hex(Frames.UDP4);
    Ipv4Packet ip = new Ipv4Packet();
    assertThat(ip.wrap(f, 14, 19)).isFalse();
    assertThat(ip.error()).isEqualTo(WireError.TRUNCATED);
    assertThat(ip.wrap(f, 14, 29)).isFalse(); // total length 30 > 29 bytes present
    assertThat(ip.error()).isEqualTo(WireError.BAD_LENGTH);
    byte[] bad = f.clone();
    bad[14 + 8]--; // TTL changed, checksum now wrong
    assertThat(ip.wrap(bad, 14, bad.length - 14)).isFalse();
    assertThat(ip.error()).isEqualTo(WireError.BAD_CHECKSUM);
    bad = f.clone();
    bad[14] = 0x44; // IHL 4
    assertThat(ip.wrap(bad, 14, bad.length - 14)).isFalse();
    assertThat(ip.error()).isEqualTo(WireError.BAD_HEADER_LENGTH);
    bad[14] = 0x55;
    assertThat(ip.wrap(bad, 14, bad.length - 14)).isFalse();
    assertThat(ip.error()).isEqualTo(WireError.BAD_VERSION);
  }

  @Test
  void decodesAndEncodesIpv6() {
    byte[] f = hex(Frames.ICMP6_ECHO_REQUEST);
    Ipv6Packet ip = new Ipv6Packet();
    assertThat(ip.wrap(f, 14, f.length - 14)).isTrue();
    Ipv6Repr r = Ipv6Repr.parse(ip);
    assertThat(r).isEqualTo(new Ipv6Repr(B1, B2, IpProtocol.ICMPV6, 16, 64, 0, 0x84949));
    byte[] out = new byte[40];
    r.emit(out, 0);
    assertThat(out).isEqualTo(java.util.Arrays.copyOfRange(f, 14, 54));
    Ipv6HeaderChain chain = new Ipv6HeaderChain();
    assertThat(chain.walk(ip, false)).isTrue();
    assertThat(chain.protocol).isEqualTo(IpProtocol.ICMPV6);
    assertThat(chain.dataOffset).isEqualTo(54);
    assertThat(chain.dataLength).isEqualTo(16);
    assertThat(chain.fragment).isFalse();
  }

  @Test
  void walksHopByHopRouterAlert() {
    byte[] f = hex(Frames.MLD2_REPORT);
    Ipv6Packet ip = new Ipv6Packet();
    assertThat(ip.wrap(f, 14, f.length - 14)).isTrue();
    Ipv6HeaderChain chain = new Ipv6HeaderChain();
    assertThat(chain.walk(ip, true)).isTrue();
    assertThat(chain.routerAlert).isTrue();
    assertThat(chain.protocol).isEqualTo(IpProtocol.ICMPV6);
    assertThat(chain.dataOffset).isEqualTo(14 + 40 + 8);
    assertThat(chain.dataLength).isEqualTo(28);
    byte[] hbh = new byte[8];
    Ipv6HeaderChain.writeRouterAlertHopByHop(hbh, 0, IpProtocol.ICMPV6);
    assertThat(hbh).isEqualTo(java.util.Arrays.copyOfRange(f, 54, 62));
  }

  /** RFC 8200 §4.2: the two high bits of an unknown option's type decide its fate. */
  @Test
  void unknownOptionActions() {
    Ipv6HeaderChain chain = new Ipv6HeaderChain();
    Ipv6Packet ip = new Ipv6Packet();
    int[][] cases = {{0x1E, 1, 0}, {0x5E, 0, 0}, {0x9E, 0, 1}, {0xDE, 0, 1}};
    for (int[] c : cases) {
      byte[] p = withDestOpts(c[0]);
      assertThat(ip.wrap(p, 0, p.length)).isTrue();
      assertThat(chain.walk(ip, false)).as("type %x", c[0]).isEqualTo(c[1] == 1);
      if (c[1] == 0) {
        assertThat(chain.error()).isEqualTo(WireError.UNRECOGNIZED_OPTION);
        assertThat(chain.sendParameterProblem).isEqualTo(c[2] == 1);
        assertThat(chain.problemCode).isEqualTo(Ipv6HeaderChain.PP_UNRECOGNIZED_OPTION);
        assertThat(chain.problemPointer).isEqualTo(42);
      }
    }
    // action 11 is silent toward multicast destinations
    byte[] p = withDestOpts(0xDE);
    ip.wrap(p, 0, p.length);
    assertThat(chain.walk(ip, true)).isFalse();
    assertThat(chain.sendParameterProblem).isFalse();
  }

  private static byte[] withDestOpts(int optType) {
    byte[] p = new byte[40 + 8 + 8];
    Ipv6Packet.writeHeader(p, 0, 0, 0, 16, IpProtocol.IPV6_OPTS, 64, B1.hi(), B1.lo(), B2.hi(), B2.lo());
    p[40] = (byte) IpProtocol.UDP;
    p[41] = 0;
    p[42] = (byte) optType;
    p[43] = 4;
    Bytes.put16(p, 48, 1); // UDP header bytes (not checked here)
    return p;
  }

  @Test
  void fragmentHeaderEndsTheWalk() {
    byte[] p = new byte[40 + 8 + 16];
    Ipv6Packet.writeHeader(p, 0, 0, 0, 24, IpProtocol.IPV6_FRAG, 64, B1.hi(), B1.lo(), B2.hi(), B2.lo());
    Ipv6HeaderChain.writeFragmentHeader(p, 40, IpProtocol.UDP, 1448, true, 0xCAFEBABE);
    Ipv6Packet ip = new Ipv6Packet();
    assertThat(ip.wrap(p, 0, p.length)).isTrue();
    Ipv6HeaderChain chain = new Ipv6HeaderChain();
    assertThat(chain.walk(ip, false)).isTrue();
    assertThat(chain.fragment).isTrue();
    assertThat(chain.fragmentOffset).isEqualTo(1448);
    assertThat(chain.moreFragments).isTrue();
    assertThat(chain.fragmentId).isEqualTo(0xCAFEBABE);
    assertThat(chain.protocol).isEqualTo(IpProtocol.UDP);
    assertThat(chain.dataOffset).isEqualTo(48);
    assertThat(chain.dataLength).isEqualTo(16);
  }

  @Test
  void chainLimitsAndRouting() {
    Ipv6HeaderChain chain = new Ipv6HeaderChain();
    Ipv6Packet ip = new Ipv6Packet();
    // nine destination-options headers
    byte[] p = new byte[40 + 9 * 8];
    Ipv6Packet.writeHeader(p, 0, 0, 0, 72, IpProtocol.IPV6_OPTS, 64, B1.hi(), B1.lo(), B2.hi(), B2.lo());
    for (int i = 0; i < 9; i++) {
      p[40 + 8 * i] = (byte) (i == 8 ? IpProtocol.IPV6_NONXT : IpProtocol.IPV6_OPTS);
      p[40 + 8 * i + 2] = 1; // PadN of 4
      p[40 + 8 * i + 3] = 4;
    }
    assertThat(ip.wrap(p, 0, p.length)).isTrue();
    assertThat(chain.walk(ip, false)).isFalse();
    assertThat(chain.error()).isEqualTo(WireError.BAD_EXTENSION_CHAIN);
    // routing header with segments left → parameter problem pointing at the routing type
    byte[] r = new byte[48];
    Ipv6Packet.writeHeader(r, 0, 0, 0, 8, IpProtocol.IPV6_ROUTE, 64, B1.hi(), B1.lo(), B2.hi(), B2.lo());
    r[40] = (byte) IpProtocol.IPV6_NONXT;
    r[42] = 4;
    r[43] = 1;
    ip.wrap(r, 0, r.length);
    assertThat(chain.walk(ip, false)).isFalse();
    assertThat(chain.sendParameterProblem).isTrue();
    assertThat(chain.problemPointer).isEqualTo(42);
    r[43] = 0;
    assertThat(chain.walk(ip, false)).isTrue();
    assertThat(chain.protocol).isEqualTo(IpProtocol.IPV6_NONXT);
    // an extension header longer than the packet
    r[41] = 3;
    assertThat(chain.walk(ip, false)).isFalse();
    assertThat(chain.error()).isEqualTo(WireError.BAD_OPTION);
  }

  @Property
  void ipv4RoundTrips(
      @ForAll int src, @ForAll int dst, @ForAll @IntRange(max = 255) int proto, @ForAll @IntRange(max = 1000) int len,
      @ForAll @IntRange(max = 255) int ttl, @ForAll @IntRange(max = 255) int tos, @ForAll @IntRange(max = 0xFFFF) int id,
      @ForAll boolean df, @ForAll boolean mf, @ForAll @IntRange(max = 0x1FFF) int fragUnits) {
    Ipv4Repr r = new Ipv4Repr(IpAddress.ofV4(src), IpAddress.ofV4(dst), proto, len, ttl, tos, id, df, mf, fragUnits * 8);
    byte[] b = new byte[20 + len];
    r.emit(b, 0);
    Ipv4Packet p = new Ipv4Packet();
    assertThat(p.wrap(b, 0, b.length)).isTrue();
    assertThat(Ipv4Repr.parse(p)).isEqualTo(r);
  }

  @Property
  void ipv6RoundTrips(
      @ForAll long sh, @ForAll long sl, @ForAll long dh, @ForAll long dl, @ForAll @IntRange(max = 255) int nh,
      @ForAll @IntRange(max = 600) int len, @ForAll @IntRange(max = 255) int hl, @ForAll @IntRange(max = 255) int tc,
      @ForAll @IntRange(max = 0xFFFFF) int flow) {
    IpAddress s = IpAddress.of(sh | 1L << 40, sl);
    IpAddress d = IpAddress.of(dh | 1L << 40, dl);
    Ipv6Repr r = new Ipv6Repr(s, d, nh, len, hl, tc, flow);
    byte[] b = new byte[40 + len];
    r.emit(b, 0);
    Ipv6Packet p = new Ipv6Packet();
    assertThat(p.wrap(b, 0, b.length)).isTrue();
    assertThat(Ipv6Repr.parse(p)).isEqualTo(r);
  }
}
