package io.zt4j.stack.wire;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Every parser reads untrusted bytes: whatever the input, {@code wrap} answers true or false
 * without throwing, and after a true answer every accessor and repr parse works.
 */
class RobustnessTest {
  @Property(tries = 2000)
  void randomBytesNeverEscape(@ForAll @Size(max = 200) byte[] data, @ForAll @IntRange(max = 8) int start,
      @ForAll boolean mcast) {
    int off = Math.min(start, data.length);
    int len = data.length - off;
    EthernetFrame eth = new EthernetFrame();
    if (eth.wrap(data, off, len)) {
      assertThat(eth.payloadOffset() + eth.payloadLength()).isEqualTo(off + len);
      EthernetRepr.parse(eth);
    }
    ArpPacket arp = new ArpPacket();
    if (arp.wrap(data, off, len)) {
      ArpRepr.parse(arp);
    }
    Ipv4Packet v4 = new Ipv4Packet();
    if (v4.wrap(data, off, len)) {
      assertThat(v4.payloadOffset() + v4.payloadLength()).isLessThanOrEqualTo(off + len);
      Ipv4Repr.parse(v4);
    }
    Ipv6Packet v6 = new Ipv6Packet();
    if (v6.wrap(data, off, len)) {
      Ipv6HeaderChain chain = new Ipv6HeaderChain();
      if (chain.walk(v6, mcast)) {
        assertThat(chain.dataOffset + chain.dataLength).isLessThanOrEqualTo(off + len);
        assertThat(chain.dataLength).isNotNegative();
      }
    }
    Icmpv4Packet i4 = new Icmpv4Packet();
    if (i4.wrap(data, off, len)) {
      Icmpv4Repr.parse(i4);
    }
    Icmpv6Packet i6 = new Icmpv6Packet();
    if (i6.wrap(data, off, len)) {
      Icmpv6Repr.parse(i6);
      i6.verifies(0);
    }
    UdpPacket udp = new UdpPacket();
    if (udp.wrap(data, off, len)) {
      assertThat(udp.payloadOffset() + udp.payloadLength()).isLessThanOrEqualTo(off + len);
      udp.verifies(0, true);
    }
    new NdpOptions().parse(data, off, off + len);
  }

  /** Random bodies behind valid ICMPv6 type bytes reach the NDP/MLD parsers. */
  @Property(tries = 2000)
  void randomIcmpv6Bodies(@ForAll @IntRange(min = 128, max = 143) int type, @ForAll @Size(min = 8, max = 120) byte[] data) {
    data[0] = (byte) type;
    Icmpv6Packet p = new Icmpv6Packet();
    if (p.wrap(data, 0, data.length)) {
      Icmpv6Repr.parse(p);
    }
  }

  /** Random extension-header chains behind a valid fixed header. */
  @Property(tries = 2000)
  void randomExtensionChains(@ForAll @Size(min = 0, max = 120) byte[] body, @ForAll @IntRange(max = 255) int nh) {
    byte[] p = new byte[40 + body.length];
    Ipv6Packet.writeHeader(p, 0, 0, 0, body.length, nh, 64, 1L << 60, 1, 1L << 60, 2);
    System.arraycopy(body, 0, p, 40, body.length);
    Ipv6Packet ip = new Ipv6Packet();
    assertThat(ip.wrap(p, 0, p.length)).isTrue();
    Ipv6HeaderChain chain = new Ipv6HeaderChain();
    if (chain.walk(ip, false)) {
      assertThat(chain.dataOffset + chain.dataLength).isEqualTo(p.length);
    }
  }
}
