package io.zt4j.stack.iface;

import static org.assertj.core.api.Assertions.assertThat;

import io.zt4j.stack.ip.IpParams;
import io.zt4j.stack.ip.RouteInfo;
import io.zt4j.stack.ip.StackStats;
import io.zt4j.stack.ip.StackStats.Counter;
import io.zt4j.stack.ip.StackStats.Layer;
import io.zt4j.stack.socket.udp.UdpSocket;
import io.zt4j.stack.wire.ArpPacket;
import io.zt4j.stack.wire.ArpRepr;
import io.zt4j.stack.wire.Bytes;
import io.zt4j.stack.wire.Checksum;
import io.zt4j.stack.wire.EtherType;
import io.zt4j.stack.wire.EthernetFrame;
import io.zt4j.stack.wire.EthernetRepr;
import io.zt4j.stack.wire.Icmpv4Packet;
import io.zt4j.stack.wire.Icmpv4Repr;
import io.zt4j.stack.wire.Icmpv6Packet;
import io.zt4j.stack.wire.Icmpv6Repr;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpProtocol;
import io.zt4j.stack.wire.Ipv4Packet;
import io.zt4j.stack.wire.Ipv4Repr;
import io.zt4j.stack.wire.Ipv6Packet;
import io.zt4j.stack.wire.Ipv6Repr;
import io.zt4j.stack.wire.MacAddress;
import io.zt4j.stack.wire.UdpPacket;
import io.zt4j.stack.wire.UdpRepr;
import io.zt4j.stack.wire.WireError;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Host behaviour against scripted frames. The peer is the Linux kernel of the wire tests'
 * captures (02:00:00:00:00:01, 10.9.0.1, fd09::1); we are 02:00:00:00:00:02, 10.9.0.2, fd09::2.
 */
class HostBehaviourTest {
  static final long SEC = 1_000_000_000L;
  static final long PEER_MAC = 0x020000000001L;
  static final long OUR_MAC = 0x020000000002L;
  static final IpAddress PEER4 = IpAddress.parse("10.9.0.1");
  static final IpAddress OUR4 = IpAddress.parse("10.9.0.2");
  static final IpAddress PEER6 = IpAddress.parse("fd09::1");
  static final IpAddress OUR6 = IpAddress.parse("fd09::2");

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
  }

  static ScriptedHost host() {
    ScriptedHost h = new ScriptedHost(InterfaceConfig.of(OUR_MAC).withAddress("10.9.0.2/24").withAddress("fd09::2/64"));
    List<byte[]> boot = h.take();
    assertThat(boot).hasSize(1); // the gratuitous ARP
    ArpPacket a = new ArpPacket();
    assertThat(a.wrap(boot.get(0), 14, 28)).isTrue();
    assertThat(a.senderIp()).isEqualTo(OUR4.v4());
    assertThat(a.targetIp()).isEqualTo(OUR4.v4());
    return h;
  }

  /** Frame from the peer: Ethernet + IPv4 + payload. */
  static byte[] v4Frame(long dstMac, IpAddress src, IpAddress dst, int proto, byte[] payload) {
    byte[] f = new byte[14 + 20 + payload.length];
    new EthernetRepr(dstMac, PEER_MAC, EtherType.IPV4).emit(f, 0);
    Ipv4Repr.of(src, dst, proto, payload.length, 64).emit(f, 14);
    System.arraycopy(payload, 0, f, 34, payload.length);
    return f;
  }

  static byte[] udp4(IpAddress src, IpAddress dst, int sport, int dport, byte[] data) {
    byte[] u = new byte[8 + data.length];
    System.arraycopy(data, 0, u, 8, data.length);
    new UdpRepr(sport, dport).emit(u, 0, data.length, src, dst);
    return u;
  }

  static byte[] v6Frame(long dstMac, IpAddress src, IpAddress dst, int nh, int hop, byte[] payload) {
    byte[] f = new byte[14 + 40 + payload.length];
    new EthernetRepr(dstMac, PEER_MAC, EtherType.IPV6).emit(f, 0);
    Ipv6Repr.of(src, dst, nh, payload.length, hop).emit(f, 14);
    System.arraycopy(payload, 0, f, 54, payload.length);
    return f;
  }

  static byte[] icmp6(Icmpv6Repr r, IpAddress src, IpAddress dst) {
    byte[] b = new byte[r.bufferLength()];
    r.emit(b, 0, src, dst);
    return b;
  }

  @Test
  void answersTheKernelsArpRequestByteForByte() {
    ScriptedHost h = host();
    h.inAt(hex("ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 0a090001 000000000000 0a090002"), 3);
    assertThat(h.takeOne()).isEqualTo(
        hex("020000000001 020000000002 0806 0001 0800 06 04 0002 020000000002 0a090002 020000000001 0a090001"));
    assertThat(h.ifc.neighborMac(PEER4)).isEqualTo(PEER_MAC);
  }

  @Test
  void echoReplyWaitsForArpThenLeaves() {
    ScriptedHost h = host();
    // the kernel's captured echo request, addressed to us
    byte[] req = hex("020000000002 020000000001 0800 4500 0024 079a 4000 4001 1f2b 0a090001 0a090002"
        + " 0800 8593 316b 0001 4100000000000000");
    h.in(req);
    byte[] arp = h.takeOne();
    ArpPacket ap = new ArpPacket();
    assertThat(ap.wrap(arp, 14, arp.length - 14)).isTrue();
    assertThat(ArpRepr.parse(ap)).isEqualTo(new ArpRepr(ArpPacket.OP_REQUEST, OUR_MAC, OUR4.v4(), 0, PEER4.v4()));
    assertThat(ScriptedHost.eth(arp).dst()).isEqualTo(MacAddress.BROADCAST);
    byte[] reply = new byte[42];
    new EthernetRepr(OUR_MAC, PEER_MAC, EtherType.ARP).emit(reply, 0);
    new ArpRepr(ArpPacket.OP_REPLY, PEER_MAC, PEER4.v4(), OUR_MAC, OUR4.v4()).emit(reply, 14);
    h.in(reply);
    byte[] echo = h.takeOne();
    assertThat(ScriptedHost.eth(echo).dst()).isEqualTo(PEER_MAC);
    Ipv4Packet ip = new Ipv4Packet();
    assertThat(ip.wrap(echo, 14, echo.length - 14)).isTrue();
    assertThat(ip.src()).isEqualTo(OUR4.v4());
    assertThat(ip.dst()).isEqualTo(PEER4.v4());
    assertThat(ip.ttl()).isEqualTo(64);
    Icmpv4Packet icmp = new Icmpv4Packet();
    assertThat(icmp.wrap(echo, ip.payloadOffset(), ip.payloadLength())).isTrue();
    assertThat(Icmpv4Repr.parse(icmp)).usingRecursiveComparison()
        .isEqualTo(new Icmpv4Repr.EchoReply(0x316b, 1, hex("4100000000000000")));
  }

  @Test
  void icmpv6EchoResolvesWithNeighborSolicitation() {
    ScriptedHost h = host();
    h.in(hex("020000000002 020000000001 86dd 6008 4949 0010 3a 40 fd090000000000000000000000000001"
        + " fd090000000000000000000000000002 8000 1230 316d 0001 4200000000000000"));
    byte[] ns = h.takeOne();
    EthernetFrame e = ScriptedHost.eth(ns);
    assertThat(e.dst()).isEqualTo(0x3333ff000001L);
    Ipv6Packet ip = new Ipv6Packet();
    assertThat(ip.wrap(ns, 14, ns.length - 14)).isTrue();
    assertThat(ip.hopLimit()).isEqualTo(255);
    assertThat(ip.src()).isEqualTo(OUR6);
    assertThat(ip.dst()).isEqualTo(IpAddress.parse("ff02::1:ff00:1"));
    Icmpv6Packet p = new Icmpv6Packet();
    assertThat(p.wrap(ns, 54, ip.payloadLength())).isTrue();
    assertThat(p.verifies(ip.pseudoHeaderSum(IpProtocol.ICMPV6, p.length()))).isTrue();
    assertThat(Icmpv6Repr.parse(p)).isEqualTo(new Icmpv6Repr.NeighborSolicitation(PEER6, OUR_MAC));
    // the kernel's NA (captured), re-addressed to us
    h.in(v6Frame(OUR_MAC, PEER6, OUR6, IpProtocol.ICMPV6, 255,
        icmp6(new Icmpv6Repr.NeighborAdvertisement(false, true, true, PEER6, PEER_MAC), PEER6, OUR6)));
    byte[] echo = h.takeOne();
    assertThat(ip.wrap(echo, 14, echo.length - 14)).isTrue();
    assertThat(p.wrap(echo, 54, ip.payloadLength())).isTrue();
    assertThat(p.verifies(ip.pseudoHeaderSum(IpProtocol.ICMPV6, p.length()))).isTrue();
    assertThat(p.type()).isEqualTo(Icmpv6Packet.TYPE_ECHO_REPLY);
    assertThat(p.echoIdentifier()).isEqualTo(0x316d);
    assertThat(h.ifc.neighborMac(PEER6)).isEqualTo(PEER_MAC);
  }

  @Test
  void answersNeighborSolicitationsAndDefendsAgainstDad() {
    ScriptedHost h = host();
    IpAddress sn = OUR6.solicitedNode();
    h.in(v6Frame(sn.multicastMac(), PEER6, sn, IpProtocol.ICMPV6, 255,
        icmp6(new Icmpv6Repr.NeighborSolicitation(OUR6, PEER_MAC), PEER6, sn)));
    byte[] na = h.takeOne();
    assertThat(ScriptedHost.eth(na).dst()).isEqualTo(PEER_MAC); // learned from the SLLA option
    Icmpv6Packet p = new Icmpv6Packet();
    p.wrap(na, 54, na.length - 54);
    assertThat(Icmpv6Repr.parse(p)).isEqualTo(new Icmpv6Repr.NeighborAdvertisement(false, true, true, OUR6, OUR_MAC));
    // DAD probe for our address: the answer goes to all-nodes, not solicited
    h.in(v6Frame(sn.multicastMac(), IpAddress.ANY_V6, sn, IpProtocol.ICMPV6, 255,
        icmp6(new Icmpv6Repr.NeighborSolicitation(OUR6, -1), IpAddress.ANY_V6, sn)));
    byte[] dad = h.takeOne();
    assertThat(ScriptedHost.eth(dad).dst()).isEqualTo(0x333300000001L);
    p.wrap(dad, 54, dad.length - 54);
    assertThat(Icmpv6Repr.parse(p)).isEqualTo(new Icmpv6Repr.NeighborAdvertisement(false, false, true, OUR6, OUR_MAC));
    // invalid: hop limit not 255 (RFC 4861 §7.1.1) — silently dropped
    h.in(v6Frame(sn.multicastMac(), PEER6, sn, IpProtocol.ICMPV6, 64,
        icmp6(new Icmpv6Repr.NeighborSolicitation(OUR6, PEER_MAC), PEER6, sn)));
    assertThat(h.take()).isEmpty();
    assertThat(h.stack.stats().get(Counter.DROP_NDP_INVALID)).isEqualTo(1);
    // the link-local address answers too
    IpAddress ll = h.ifc.linkLocalAddress();
    assertThat(ll).isEqualTo(IpAddress.parse("fe80::ff:fe00:2"));
    h.in(v6Frame(ll.solicitedNode().multicastMac(), IpAddress.parse("fe80::1"), ll.solicitedNode(), IpProtocol.ICMPV6,
        255, icmp6(new Icmpv6Repr.NeighborSolicitation(ll, PEER_MAC), IpAddress.parse("fe80::1"), ll.solicitedNode())));
    assertThat(h.take()).hasSize(1);
  }

  @Test
  void portUnreachableQuotesTheDatagramAndIsRateLimited() {
    ScriptedHost h = host();
    h.in(hex("ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 0a090001 000000000000 0a090002"));
    h.take();
    byte[] u = v4Frame(OUR_MAC, PEER4, OUR4, IpProtocol.UDP, udp4(PEER4, OUR4, 5555, 9, "ping".getBytes()));
    h.in(u);
    byte[] err = h.takeOne();
    Ipv4Packet ip = new Ipv4Packet();
    assertThat(ip.wrap(err, 14, err.length - 14)).isTrue();
    assertThat(ip.tos()).isEqualTo(0xC0);
    assertThat(ip.dst()).isEqualTo(PEER4.v4());
    Icmpv4Packet icmp = new Icmpv4Packet();
    assertThat(icmp.wrap(err, 34, ip.payloadLength())).isTrue();
    assertThat(icmp.type()).isEqualTo(Icmpv4Packet.TYPE_DEST_UNREACHABLE);
    assertThat(icmp.code()).isEqualTo(Icmpv4Packet.CODE_PORT_UNREACHABLE);
    assertThat(Arrays.copyOfRange(err, 42, err.length)).isEqualTo(Arrays.copyOfRange(u, 14, u.length));
    // a burst of 200: the token bucket (1000/s, burst 51) lets 50 more through now
    for (int i = 0; i < 200; i++) {
      h.in(u);
    }
    assertThat(h.take()).hasSize(50);
    assertThat(h.stack.stats().get(Counter.ICMP_RATE_LIMITED)).isEqualTo(150);
    h.advance(SEC / 100); // 10 ms refills 10 tokens
    for (int i = 0; i < 20; i++) {
      h.in(u);
    }
    assertThat(h.take()).hasSize(10);
  }

  @Test
  void noErrorsForBroadcastsFragmentsOrIcmpErrors() {
    ScriptedHost h = host();
    h.in(hex("ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 0a090001 000000000000 0a090002"));
    h.take();
    IpAddress bcast = IpAddress.parse("10.9.0.255");
    h.in(v4Frame(MacAddress.BROADCAST, PEER4, bcast, IpProtocol.UDP, udp4(PEER4, bcast, 5555, 9, new byte[4])));
    h.in(v4Frame(MacAddress.BROADCAST, PEER4, IpAddress.BROADCAST_V4, IpProtocol.UDP,
        udp4(PEER4, IpAddress.BROADCAST_V4, 5555, 9, new byte[4])));
    // an ICMP error arriving about nothing of ours
    byte[] quote = v4Frame(0, OUR4, PEER4, IpProtocol.UDP, udp4(OUR4, PEER4, 1, 2, new byte[4]));
    byte[] icmp = new byte[8 + quote.length - 14];
    new Icmpv4Repr.DestinationUnreachable(3, 0, Arrays.copyOfRange(quote, 14, quote.length)).emit(icmp, 0);
    h.in(v4Frame(OUR_MAC, PEER4, OUR4, IpProtocol.ICMP, icmp));
    // unknown protocol: protocol unreachable
    h.in(v4Frame(OUR_MAC, PEER4, OUR4, 253, new byte[10]));
    List<byte[]> out = h.take();
    assertThat(out).hasSize(1);
    Icmpv4Packet p = new Icmpv4Packet();
    p.wrap(out.get(0), 34, out.get(0).length - 34);
    assertThat(p.code()).isEqualTo(Icmpv4Packet.CODE_PROTOCOL_UNREACHABLE);
    assertThat(h.stack.stats().get(Counter.DROP_UDP_NO_SOCKET)).isEqualTo(2);
  }

  @Test
  void dropsAndCountsWhatIsNotForUs() {
    ScriptedHost h = host();
    StackStats s = h.stack.stats();
    h.in(v4Frame(0x020000000099L, PEER4, OUR4, IpProtocol.UDP, udp4(PEER4, OUR4, 1, 2, new byte[0])));
    assertThat(s.get(Counter.DROP_NOT_OUR_MAC)).isEqualTo(1);
    h.in(v4Frame(0x01005e000001L + 5, PEER4, IpAddress.parse("224.0.0.6"), IpProtocol.UDP, new byte[8]));
    assertThat(s.get(Counter.DROP_NOT_OUR_MAC)).isEqualTo(2);
    h.in(v4Frame(OUR_MAC, PEER4, IpAddress.parse("10.9.0.77"), IpProtocol.UDP, new byte[8]));
    assertThat(s.get(Counter.DROP_IP_NOT_FOR_US)).isEqualTo(1);
    h.in(v4Frame(OUR_MAC, IpAddress.parse("224.1.1.1"), OUR4, IpProtocol.UDP, new byte[8]));
    assertThat(s.get(Counter.DROP_IP_BAD_SOURCE)).isEqualTo(1);
    byte[] bad = v4Frame(OUR_MAC, PEER4, OUR4, IpProtocol.UDP, udp4(PEER4, OUR4, 1, 2, new byte[3]));
    bad[40]++; // corrupt the UDP checksum
    h.in(bad);
    assertThat(s.malformedCount(Layer.UDP, WireError.BAD_CHECKSUM)).isEqualTo(1);
    bad[24]++; // and now the IPv4 header checksum
    h.in(bad);
    assertThat(s.malformedCount(Layer.IPV4, WireError.BAD_CHECKSUM)).isEqualTo(1);
    h.in(new byte[13]);
    assertThat(s.malformedCount(Layer.ETHERNET, WireError.TRUNCATED)).isEqualTo(1);
    byte[] own = v4Frame(OUR_MAC, PEER4, OUR4, IpProtocol.UDP, new byte[8]);
    MacAddress.write(own, 6, OUR_MAC);
    h.in(own);
    assertThat(s.get(Counter.DROP_OWN_FRAME)).isEqualTo(1);
    // IPv6 packets with IPv4-mapped addresses never reach a transport
    byte[] mapped = v6Frame(OUR_MAC, PEER6, OUR6, IpProtocol.UDP, 64, new byte[8]);
    Bytes.put64(mapped, 14 + 8, 0);
    Bytes.put64(mapped, 14 + 16, IpAddress.v4Lo(PEER4.v4()));
    h.in(mapped);
    assertThat(s.get(Counter.DROP_IP_BAD_SOURCE)).isEqualTo(2);
    assertThat(h.take()).isEmpty();
  }

  @Test
  void ipv6ParameterProblems() {
    ScriptedHost h = host();
    // an unsolicited NA creates no neighbor entry (RFC 4861 §7.2.5)
    h.in(v6Frame(OUR_MAC, PEER6, OUR6, IpProtocol.ICMPV6, 255,
        icmp6(new Icmpv6Repr.NeighborAdvertisement(false, false, true, PEER6, PEER_MAC), PEER6, OUR6)));
    assertThat(h.ifc.neighborMac(PEER6)).isEqualTo(-1);
    // a solicitation does (STALE, from its source link-layer option)
    h.in(v6Frame(OUR6.solicitedNode().multicastMac(), PEER6, OUR6.solicitedNode(), IpProtocol.ICMPV6, 255,
        icmp6(new Icmpv6Repr.NeighborSolicitation(OUR6, PEER_MAC), PEER6, OUR6.solicitedNode())));
    h.take();
    assertThat(h.ifc.neighborMac(PEER6)).isEqualTo(PEER_MAC);
    // unknown next header 253 → parameter problem code 1, pointer 6
    h.in(v6Frame(OUR_MAC, PEER6, OUR6, 253, 64, new byte[8]));
    // destination option of type 0x9e (discard + ICMP) → code 2, pointer at the option
    byte[] opts = {17, 0, (byte) 0x9E, 4, 0, 0, 0, 0};
    h.in(v6Frame(OUR_MAC, PEER6, OUR6, IpProtocol.IPV6_OPTS, 64, opts));
    List<byte[]> out = h.take();
    assertThat(out).hasSize(2);
    Icmpv6Packet p = new Icmpv6Packet();
    p.wrap(out.get(0), 54, out.get(0).length - 54);
    assertThat(p.type()).isEqualTo(Icmpv6Packet.TYPE_PARAMETER_PROBLEM);
    assertThat(p.code()).isEqualTo(1);
    assertThat(p.pointer()).isEqualTo(6);
    p.wrap(out.get(1), 54, out.get(1).length - 54);
    assertThat(p.code()).isEqualTo(2);
    assertThat(p.pointer()).isEqualTo(42);
  }

  @Test
  void reassemblyTimeoutSendsTimeExceededOnlyWithTheFirstFragment() {
    ScriptedHost h = host();
    h.in(hex("ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 0a090001 000000000000 0a090002"));
    h.take();
    byte[] f0 = fragment(1, 0, true, new byte[16]);
    byte[] f2 = fragment(2, 8, true, new byte[16]);
    h.in(f0);
    h.in(f2);
    assertThat(h.stack.pollAt()).isEqualTo(h.now + Reassembler.TIMEOUT_NANOS);
    h.advance(Reassembler.TIMEOUT_NANOS);
    List<byte[]> out = h.take();
    assertThat(out).hasSize(1);
    Icmpv4Packet p = new Icmpv4Packet();
    p.wrap(out.get(0), 34, out.get(0).length - 34);
    assertThat(p.type()).isEqualTo(Icmpv4Packet.TYPE_TIME_EXCEEDED);
    assertThat(p.code()).isEqualTo(Icmpv4Packet.CODE_REASSEMBLY_TIME_EXCEEDED);
    assertThat(Bytes.u16(out.get(0), 42 + 4)).isEqualTo(1); // quotes datagram id 1
    assertThat(h.stack.stats().get(Counter.DROP_FRAGMENT_TIMEOUT)).isEqualTo(2);
  }

  @Test
  void overlappingFragmentsDiscardTheDatagram() {
    ScriptedHost h = host();
    UdpSocket s = h.stack.udp().open();
    s.bind(null, 9);
    byte[] udp = udp4(PEER4, OUR4, 1000, 9, new byte[40]);
    h.in(fragment(5, 0, true, Arrays.copyOfRange(udp, 0, 24)));
    h.in(fragment(5, 16, false, Arrays.copyOfRange(udp, 16, 48))); // overlaps 16..24
    h.in(fragment(5, 24, false, Arrays.copyOfRange(udp, 24, 48)));
    assertThat(s.queuedDatagrams()).isZero();
    assertThat(h.stack.stats().get(Counter.DROP_FRAGMENT_OVERLAP)).isEqualTo(1);
    // the same datagram in order (and one exact duplicate) goes through
    h.in(fragment(6, 0, true, Arrays.copyOfRange(udp, 0, 24)));
    h.in(fragment(6, 0, true, Arrays.copyOfRange(udp, 0, 24)));
    h.in(fragment(6, 24, false, Arrays.copyOfRange(udp, 24, 48)));
    assertThat(s.queuedDatagrams()).isEqualTo(1);
    assertThat(s.nextDatagramLength()).isEqualTo(40);
  }

  @Test
  void reassemblyMemoryIsBounded() {
    ScriptedHost h = host();
    for (int id = 0; id < 200; id++) {
      h.in(fragment(id, 0, true, new byte[1400]));
    }
    assertThat(h.stack.stats().get(Counter.DROP_FRAGMENT_NO_MEMORY)).isEqualTo(200 - Reassembler.MAX_DATAGRAMS);
  }

  static byte[] fragment(int id, int offset, boolean more, byte[] data) {
    byte[] f = new byte[34 + data.length];
    new EthernetRepr(OUR_MAC, PEER_MAC, EtherType.IPV4).emit(f, 0);
    new Ipv4Repr(PEER4, OUR4, IpProtocol.UDP, data.length, 64, 0, id, false, more, offset).emit(f, 14);
    System.arraycopy(data, 0, f, 34, data.length);
    return f;
  }

  @Test
  void neighborReachabilityProbesAndExpiry() {
    ScriptedHost h = host();
    h.in(hex("ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 0a090001 000000000000 0a090002"));
    h.take();
    UdpSocket s = h.stack.udp().open();
    byte[] d = new byte[4];
    // STALE entry from the request: using it goes to DELAY, then PROBE after 5 s
    assertThat(s.send(d, 0, 4, PEER4, 7, h.now)).isEqualTo(4);
    assertThat(h.take()).hasSize(1);
    h.advance(5 * SEC);
    byte[] probe = h.takeOne();
    assertThat(ScriptedHost.eth(probe).dst()).isEqualTo(PEER_MAC); // unicast probe
    h.advance(3 * SEC);
    assertThat(h.take()).hasSize(2); // two more probes, then the entry is gone
    assertThat(h.ifc.neighborMac(PEER4)).isEqualTo(-1);
    // a reply to a probe makes it REACHABLE again
    s.send(d, 0, 4, PEER4, 7, h.now);
    assertThat(h.takeOne()[12]).isEqualTo((byte) 0x08); // ARP request (0x0806)
    byte[] reply = new byte[42];
    new EthernetRepr(OUR_MAC, PEER_MAC, EtherType.ARP).emit(reply, 0);
    new ArpRepr(ArpPacket.OP_REPLY, PEER_MAC, PEER4.v4(), OUR_MAC, OUR4.v4()).emit(reply, 14);
    h.in(reply);
    assertThat(h.take()).hasSize(1); // the queued datagram
    h.advance(10 * SEC);
    s.send(d, 0, 4, PEER4, 7, h.now);
    h.advance(10 * SEC);
    assertThat(h.take()).hasSize(1); // still reachable within ReachableTime: no probe
  }

  @Test
  void pathMtuFromFragmentationNeeded() {
    ScriptedHost h = host();
    IpLayerAccess ip = new IpLayerAccess(h);
    RouteInfo r = new RouteInfo();
    assertThat(ip.core.route(PEER4.hi(), PEER4.lo(), 0, r)).isTrue();
    assertThat(r.mtu).isEqualTo(2800);
    assertThat(r.src()).isEqualTo(OUR4);
    assertThat(r.maxTransportPayload()).isEqualTo(2780);
    // frag-needed quoting a packet we sent to the peer
    byte[] quote = Arrays.copyOfRange(v4Frame(0, OUR4, PEER4, IpProtocol.UDP, udp4(OUR4, PEER4, 1, 2, new byte[4])),
        14, 14 + 28);
    byte[] icmp = new byte[8 + 28];
    new Icmpv4Repr.DestinationUnreachable(Icmpv4Packet.CODE_FRAGMENTATION_NEEDED, 1400, quote).emit(icmp, 0);
    h.in(v4Frame(OUR_MAC, IpAddress.parse("10.9.0.254"), OUR4, IpProtocol.ICMP, icmp));
    assertThat(ip.core.route(PEER4.hi(), PEER4.lo(), 0, r)).isTrue();
    assertThat(r.mtu).isEqualTo(1400);
    h.advance(RouteTable.PMTU_EXPIRY_NANOS);
    assertThat(ip.core.route(PEER4.hi(), PEER4.lo(), 0, r)).isTrue();
    assertThat(r.mtu).isEqualTo(2800);
  }

  @Test
  void sendRequiresHeadroomAndMatchingFamilies() {
    ScriptedHost h = host();
    IpCore core = new IpLayerAccess(h).core;
    IpParams p = new IpParams().src(OUR4).dst(PEER6).protocol(IpProtocol.UDP);
    byte[] b = core.txBuffer();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> core.send(p, b, core.transportOffset(), 8, h.now))
        .isInstanceOf(IllegalArgumentException.class);
    p.dst(PEER4);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> core.send(p, b, core.transportOffset() - 1, 8, h.now))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(core.transportOffset()).isEqualTo(128 + 14 + 40);
  }

  /** Reaches the IpCore behind the facade. */
  static final class IpLayerAccess {
    final IpCore core;

    IpLayerAccess(ScriptedHost h) {
      core = (IpCore) h.stack.ip();
    }
  }

  @Test
  void udpChecksumOfOurDatagramsVerifiesAtTheKernelsEnd() {
    ScriptedHost h = host();
    h.in(hex("ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 0a090001 000000000000 0a090002"));
    h.take();
    UdpSocket s = h.stack.udp().open();
    s.bind(null, 4000);
    s.send("hi".getBytes(), 0, 2, PEER4, 5000, h.now);
    byte[] f = h.takeOne();
    // same datagram as the kernel's capture except the IP identification and checksum
    Ipv4Packet ip = new Ipv4Packet();
    assertThat(ip.wrap(f, 14, f.length - 14)).isTrue();
    UdpPacket u = new UdpPacket();
    assertThat(u.wrap(f, 34, ip.payloadLength())).isTrue();
    assertThat(u.verifies(ip.pseudoHeaderSum(), false)).isTrue();
    assertThat(Arrays.copyOfRange(f, 34, f.length)).isEqualTo(withChecksum(hex("0fa0 1388 000a 0000 6869"), PEER4));
  }

  private static byte[] withChecksum(byte[] udp, IpAddress dst) {
    long sum = Checksum.pseudoHeader(OUR4.hi(), OUR4.lo(), dst.hi(), dst.lo(), IpProtocol.UDP, udp.length);
    Bytes.put16(udp, 6, Checksum.finish(Checksum.add(sum, udp, 0, udp.length)));
    return udp;
  }
}
