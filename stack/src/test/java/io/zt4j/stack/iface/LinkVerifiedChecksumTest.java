package io.zt4j.stack.iface;

import static io.zt4j.stack.iface.HostBehaviourTest.OUR4;
import static io.zt4j.stack.iface.HostBehaviourTest.OUR6;
import static io.zt4j.stack.iface.HostBehaviourTest.OUR_MAC;
import static io.zt4j.stack.iface.HostBehaviourTest.PEER4;
import static io.zt4j.stack.iface.HostBehaviourTest.PEER6;
import static io.zt4j.stack.iface.HostBehaviourTest.PEER_MAC;
import static io.zt4j.stack.iface.HostBehaviourTest.fragment;
import static io.zt4j.stack.iface.HostBehaviourTest.hex;
import static io.zt4j.stack.iface.HostBehaviourTest.host;
import static io.zt4j.stack.iface.HostBehaviourTest.udp4;
import static io.zt4j.stack.iface.HostBehaviourTest.v4Frame;
import static io.zt4j.stack.iface.HostBehaviourTest.v6Frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.ip.StackStats.Layer;
import io.zt4j.stack.socket.tcp.TcpDrop;
import io.zt4j.stack.socket.udp.UdpSocket;
import io.zt4j.stack.wire.Checksum;
import io.zt4j.stack.wire.EthernetFrame;
import io.zt4j.stack.wire.Icmpv4Packet;
import io.zt4j.stack.wire.Icmpv4Repr;
import io.zt4j.stack.wire.Icmpv6Repr;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpProtocol;
import io.zt4j.stack.wire.Ipv4Packet;
import io.zt4j.stack.wire.Ipv6Packet;
import io.zt4j.stack.wire.TcpHeader;
import io.zt4j.stack.wire.WireError;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Frames whose integrity the link vouched for ({@code receiveFrame(…, checksumsVerified = true)},
 * a ZeroTier frame whose packet MAC verified) skip the TCP and UDP checksum checks; frames from
 * any other link are still verified and dropped with a counted reason when the checksum is
 * wrong. IPv4 header and ICMP checksums are checked either way; reassembled datagrams too.
 */
class LinkVerifiedChecksumTest {

  /** A host that already knows the peer's MAC (so answers leave without ARP). */
  static ScriptedHost knownPeer() {
    ScriptedHost h = host();
    h.in(hex("ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 0a090001 000000000000 0a090002"));
    h.take();
    h.in(v6Frame(OUR_MAC, PEER6, OUR6, IpProtocol.ICMPV6, 255,
        HostBehaviourTest.icmp6(new Icmpv6Repr.NeighborSolicitation(OUR6, PEER_MAC), PEER6, OUR6)));
    h.take();
    return h;
  }

  /** A SYN from the peer's port 40000 to {@code dport}, checksum correct or off by one. */
  static byte[] syn(IpAddress src, IpAddress dst, int dport, boolean brokenChecksum) {
    byte[] t = new byte[20];
    TcpHeader h = new TcpHeader().wrapForWrite(t, 0, 20);
    h.srcPort(40000).dstPort(dport).seq(1000).ack(0).headerLength(20).flags(TcpHeader.SYN).window(65535);
    h.fillChecksum(Checksum.pseudoHeader(src.hi(), src.lo(), dst.hi(), dst.lo(), IpProtocol.TCP, 20));
    if (brokenChecksum) {
      t[16] ^= 0x01;
    }
    return t;
  }

  static byte[] tcpFrame(IpAddress src, IpAddress dst, byte[] segment) {
    return src.isV4() ? v4Frame(OUR_MAC, src, dst, IpProtocol.TCP, segment)
        : v6Frame(OUR_MAC, src, dst, IpProtocol.TCP, 64, segment);
  }

  /** The TCP flags of a frame we sent. */
  static int tcpFlags(byte[] frame) {
    EthernetFrame e = ScriptedHost.eth(frame);
    int off = e.payloadOffset() + (e.etherType() == 0x0800 ? Ipv4Packet.HEADER_LEN : Ipv6Packet.HEADER_LEN);
    return frame[off + 13] & 0x3F;
  }

  @Test
  void aTcpSegmentWithABadChecksumIsDroppedUnlessTheLinkVerifiedIt() {
    for (IpAddress[] pair : new IpAddress[][] {{PEER4, OUR4}, {PEER6, OUR6}}) {
      ScriptedHost h = knownPeer();
      assertThat(h.stack.tcp().listen(0, 0, 80, 4)).isNotNull();
      byte[] bad = tcpFrame(pair[0], pair[1], syn(pair[0], pair[1], 80, true));
      h.in(bad);
      assertThat(h.take()).as("no answer to a corrupt SYN").isEmpty();
      assertThat(h.stack.tcp().dropped(TcpDrop.BAD_CHECKSUM)).isEqualTo(1);
      h.ifc.receiveFrame(bad, 0, bad.length, h.now, false);
      assertThat(h.stack.tcp().dropped(TcpDrop.BAD_CHECKSUM)).isEqualTo(2);
      assertThat(h.take()).isEmpty();
      h.ifc.receiveFrame(bad, 0, bad.length, h.now, true);
      assertThat(h.stack.tcp().dropped(TcpDrop.BAD_CHECKSUM)).as("not checked").isEqualTo(2);
      byte[] synAck = h.takeOne();
      assertThat(tcpFlags(synAck)).isEqualTo(TcpHeader.SYN | TcpHeader.ACK);
      // what we send is still checksummed (the peer may verify: a kernel stack behind ZeroTier One)
      EthernetFrame e = ScriptedHost.eth(synAck);
      int ipHeader = pair[0].isV4() ? Ipv4Packet.HEADER_LEN : Ipv6Packet.HEADER_LEN;
      int tcpOff = e.payloadOffset() + ipHeader;
      int tcpLen = synAck.length - tcpOff;
      TcpHeader out = new TcpHeader();
      assertThat(out.wrap(synAck, tcpOff, tcpLen)).isTrue();
      assertThat(out.checksumValid(Checksum.pseudoHeader(pair[1].hi(), pair[1].lo(), pair[0].hi(), pair[0].lo(),
          IpProtocol.TCP, tcpLen))).isTrue();
    }
  }

  @Test
  void aUdpDatagramWithABadChecksumIsDroppedUnlessTheLinkVerifiedIt() {
    ScriptedHost h = knownPeer();
    UdpSocket s = h.stack.udp().open();
    assertThat(s.bind(null, 7)).isZero();
    byte[] udp = udp4(PEER4, OUR4, 5000, 7, "payload".getBytes());
    udp[6] ^= 0x10;
    byte[] f = v4Frame(OUR_MAC, PEER4, OUR4, IpProtocol.UDP, udp);
    h.in(f);
    assertThat(s.queuedDatagrams()).isZero();
    assertThat(h.stack.stats().malformedCount(Layer.UDP, WireError.BAD_CHECKSUM)).isEqualTo(1);
    h.ifc.receiveFrame(f, 0, f.length, h.now, true);
    assertThat(s.queuedDatagrams()).isEqualTo(1);
    assertThat(s.nextDatagramLength()).isEqualTo(7);
    assertThat(h.stack.stats().malformedCount(Layer.UDP, WireError.BAD_CHECKSUM)).isEqualTo(1);
  }

  @Test
  void aReassembledDatagramIsVerifiedEvenFromAVerifyingLink() {
    ScriptedHost h = knownPeer();
    UdpSocket s = h.stack.udp().open();
    assertThat(s.bind(null, 7)).isZero();
    byte[] udp = udp4(PEER4, OUR4, 5000, 7, new byte[40]);
    udp[6] ^= 0x10;
    byte[] first = fragment(9, 0, true, Arrays.copyOfRange(udp, 0, 24));
    byte[] last = fragment(9, 24, false, Arrays.copyOfRange(udp, 24, 48));
    h.ifc.receiveFrame(first, 0, first.length, h.now, true);
    h.ifc.receiveFrame(last, 0, last.length, h.now, true);
    assertThat(s.queuedDatagrams()).isZero();
    assertThat(h.stack.stats().malformedCount(Layer.UDP, WireError.BAD_CHECKSUM)).isEqualTo(1);
  }

  @Test
  void icmpAndTheIpv4HeaderAreCheckedEvenFromAVerifyingLink() {
    ScriptedHost h = knownPeer();
    byte[] icmp = new byte[16];
    new Icmpv4Repr.EchoRequest(7, 1, new byte[8]).emit(icmp, 0);
    icmp[2] ^= 0x01;
    byte[] f = v4Frame(OUR_MAC, PEER4, OUR4, IpProtocol.ICMP, icmp);
    h.ifc.receiveFrame(f, 0, f.length, h.now, true);
    assertThat(h.take()).as("no reply built from a corrupt request").isEmpty();
    assertThat(h.stack.stats().malformedCount(Layer.ICMPV4, WireError.BAD_CHECKSUM)).isEqualTo(1);
    byte[] ipBad = v4Frame(OUR_MAC, PEER4, OUR4, IpProtocol.UDP, udp4(PEER4, OUR4, 5000, 7, new byte[4]));
    ipBad[14 + 10] ^= 0x01;
    h.ifc.receiveFrame(ipBad, 0, ipBad.length, h.now, true);
    assertThat(h.stack.stats().malformedCount(Layer.IPV4, WireError.BAD_CHECKSUM)).isEqualTo(1);
    // and an intact echo request from the verifying link is answered
    icmp[2] ^= 0x01;
    byte[] ok = v4Frame(OUR_MAC, PEER4, OUR4, IpProtocol.ICMP, icmp);
    h.ifc.receiveFrame(ok, 0, ok.length, h.now, true);
    byte[] reply = h.takeOne();
    Icmpv4Packet p = new Icmpv4Packet();
    assertThat(p.wrap(reply, 34, reply.length - 34)).isTrue();
    assertThat(p.type()).isEqualTo(Icmpv4Packet.TYPE_ECHO_REPLY);
  }
}
