package io.zt4j.stack.iface;

import io.zt4j.stack.ip.IpHandler;
import io.zt4j.stack.ip.IpLayer;
import io.zt4j.stack.ip.IpParams;
import io.zt4j.stack.ip.RouteInfo;
import io.zt4j.stack.ip.StackStats;
import io.zt4j.stack.ip.StackStats.Counter;
import io.zt4j.stack.ip.StackStats.Layer;
import io.zt4j.stack.link.LinkDevice;
import io.zt4j.stack.socket.ReadinessQueue;
import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.wire.Bytes;
import io.zt4j.stack.wire.Checksum;
import io.zt4j.stack.wire.EtherType;
import io.zt4j.stack.wire.EthernetFrame;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpProtocol;
import io.zt4j.stack.wire.Ipv4Packet;
import io.zt4j.stack.wire.Ipv6HeaderChain;
import io.zt4j.stack.wire.Ipv6Packet;
import io.zt4j.stack.wire.MacAddress;
import io.zt4j.stack.wire.WireError;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The IP layer of a stack: Ethernet demultiplexing, IPv4/IPv6 input with validation, fragment
 * reassembly, protocol dispatch to registered {@link IpHandler}s, ICMP host behaviour (through
 * {@link IcmpHost}), ARP/NDP (through {@link Arp}, {@link Ndp} and each interface's
 * {@link NeighborCache}), and the one output path transports send through.
 *
 * <p>Owner-thread only and not re-entrant: devices must not call back into the stack from
 * {@link LinkDevice#transmit}; packets to our own addresses are looped back through a queue that
 * {@link #poll} drains.
 */
public final class IpCore implements IpLayer {
  /** Default TTL / hop limit for unicast (RFC 1700 era value every OS uses). */
  public static final int DEFAULT_HOP_LIMIT = 64;
  static final int MAX_LOOPBACK_PACKETS = 256;

  private final int headroom;
  private final int tailroom;
  private final int transportOffset;
  private final RandomGenerator random;
  private final StackStats stats = new StackStats();
  private final ReadinessQueue readiness = new ReadinessQueue();
  private final IpHandler[] handlers = new IpHandler[256];
  private final List<Interface> interfaces = new ArrayList<>();
  final RouteTable routes = new RouteTable(interfaces);
  final Reassembler reassembler = new Reassembler(stats);
  final Arp arp = new Arp(this);
  final Ndp ndp = new Ndp(this);
  final IcmpHost icmp;

  /** Transports, echo replies and ICMP errors build here. */
  private final byte[] txBuffer;
  /** Fragments of a datagram that is itself in {@link #txBuffer}. */
  private final byte[] fragBuffer;
  /** ARP requests, neighbor solicitations, MLD reports (sent while another buffer is in use). */
  final byte[] solicitBuffer;

  private final EthernetFrame eth = new EthernetFrame();
  private final Ipv4Packet v4 = new Ipv4Packet();
  private final Ipv6Packet v6 = new Ipv6Packet();
  private final Ipv6HeaderChain chain = new Ipv6HeaderChain();
  private final PacketInfo info = new PacketInfo();
  private final RouteInfo route = new RouteInfo();
  private final ArrayDeque<byte[]> loopback = new ArrayDeque<>();
  private final ArrayDeque<Integer> loopbackIf = new ArrayDeque<>();
  private int ipv4Ident;
  private int ipv6FragId;

  /** The IP packet being processed, for ICMP errors that quote it. */
  byte[] curBuf;
  int curOff;
  int curLen;
  boolean curLinkMulticast;
  /** The frame being processed came from a link that vouched for its integrity. */
  private boolean frameChecksumsVerified;

  /**
   * @param headroom bytes every device may use in front of a frame (the largest device headroom)
   * @param tailroom bytes every device may use after a frame
   * @param icmpRatePerSecond ICMP errors allowed per second (token bucket), burst the same / 20 + 1
   */
  public IpCore(int headroom, int tailroom, RandomGenerator random, int icmpRatePerSecond) {
    if (headroom < 0 || tailroom < 0) {
      throw new IllegalArgumentException("negative headroom/tailroom");
    }
    this.headroom = headroom;
    this.tailroom = tailroom;
    this.random = random;
    this.transportOffset = headroom + EthernetFrame.HEADER_LEN + Ipv6Packet.HEADER_LEN;
    this.txBuffer = new byte[transportOffset + 65535 + tailroom];
    this.fragBuffer = new byte[transportOffset + 8 + InterfaceConfig.MAX_MTU + tailroom];
    this.solicitBuffer = new byte[transportOffset + 256 + tailroom];
    this.icmp = new IcmpHost(this, icmpRatePerSecond);
    this.ipv4Ident = random.nextInt() & 0xFFFF;
    this.ipv6FragId = random.nextInt();
  }

  // --- interfaces --------------------------------------------------------------------------------

  /** Adds an interface; its IPv4 addresses are announced with gratuitous ARP. */
  public Interface addInterface(InterfaceConfig config, LinkDevice device, long nowNanos) {
    if (device.headroom() > headroom || device.tailroom() > tailroom) {
      throw new IllegalArgumentException("device needs headroom " + device.headroom() + "/tailroom "
          + device.tailroom() + " but the stack reserves " + headroom + "/" + tailroom);
    }
    Interface ifc = new Interface(this, interfaces.size() + 1, config, device);
    interfaces.add(ifc);
    routesChanged();
    for (var a : ifc.addressList()) {
      if (a.address().isV4()) {
        arp.announce(ifc, a.address().v4());
      }
    }
    return ifc;
  }

  public List<Interface> interfaces() {
    return List.copyOf(interfaces);
  }

  /** The interface with this 1-based index, or null. */
  public Interface interfaceByIndex(int index) {
    return index >= 1 && index <= interfaces.size() ? interfaces.get(index - 1) : null;
  }

  void routesChanged() {
    routes.rebuild();
  }

  @Override
  public boolean joinGroup(IpAddress group, int interfaceIndex) {
    Interface ifc = groupInterface(group, interfaceIndex);
    if (ifc == null) {
      return false;
    }
    ifc.join(group);
    return true;
  }

  @Override
  public void leaveGroup(IpAddress group, int interfaceIndex) {
    Interface ifc = groupInterface(group, interfaceIndex);
    if (ifc != null) {
      ifc.leave(group);
    }
  }

  private Interface groupInterface(IpAddress group, int index) {
    if (index != 0) {
      return interfaceByIndex(index);
    }
    for (Interface i : interfaces) {
      if (group.isV4() ? i.hasV4() : i.hasV6()) {
        return i;
      }
    }
    return null;
  }

  // --- IpLayer -----------------------------------------------------------------------------------

  @Override
  public void register(int protocol, IpHandler handler) {
    if (protocol < 0 || protocol > 255) {
      throw new IllegalArgumentException("protocol " + protocol);
    }
    if (handlers[protocol] != null) {
      throw new IllegalStateException("protocol " + protocol + " already has a handler");
    }
    handlers[protocol] = handler;
  }

  IpHandler handler(int protocol) {
    return handlers[protocol];
  }

  @Override
  public int transportOffset() {
    return transportOffset;
  }

  @Override
  public byte[] txBuffer() {
    return txBuffer;
  }

  int headroom() {
    return headroom;
  }

  int tailroom() {
    return tailroom;
  }

  @Override
  public boolean route(long dstHi, long dstLo, int interfaceIndex, RouteInfo out) {
    return routes.lookup(dstHi, dstLo, interfaceIndex, out, lastNow);
  }

  @Override
  public boolean isLocalAddress(long hi, long lo) {
    return localInterface(hi, lo) != null;
  }

  Interface localInterface(long hi, long lo) {
    for (Interface i : interfaces) {
      if (i.isOwn(hi, lo)) {
        return i;
      }
    }
    return null;
  }

  @Override
  public void confirmReachable(long hi, long lo, long nowNanos) {
    nowNanos = clock(nowNanos);
    if (routes.lookup(hi, lo, 0, route, nowNanos)) {
      interfaces.get(route.interfaceIndex - 1).neighbors.confirmReachable(route.nextHopHi, route.nextHopLo, nowNanos);
    }
  }

  @Override
  public ReadinessQueue readinessQueue() {
    return readiness;
  }

  @Override
  public StackStats stats() {
    return stats;
  }

  @Override
  public RandomGenerator random() {
    return random;
  }

  /** The latest time seen by input/poll/send (for lookups that have no time argument). */
  private long lastNow = Long.MIN_VALUE;

  /**
   * Time never goes backwards inside the stack: a caller that passes a fresh clock reading to one
   * call and an older, cached one to the next (a loop that reads the clock once per cycle) gets
   * the latest value it has given, so RTTs and timers never go negative.
   */
  private long clock(long now) {
    if (now > lastNow) {
      lastNow = now;
    }
    return lastNow;
  }

  // --- timers ------------------------------------------------------------------------------------

  public long pollAt() {
    if (!loopback.isEmpty()) {
      return lastNow == Long.MIN_VALUE ? 0 : lastNow;
    }
    long at = Math.min(reassembler.pollAt(), routes.pollAt());
    for (Interface i : interfaces) {
      at = Math.min(at, Math.min(i.neighbors.pollAt(), i.mldAnswerAt()));
    }
    for (IpHandler h : handlers) {
      if (h != null) {
        at = Math.min(at, h.pollAt());
      }
    }
    return at;
  }

  public void poll(long nowNanos) {
    long now = clock(nowNanos);
    for (int n = loopback.size(); n > 0; n--) {
      byte[] p = loopback.pollFirst();
      Interface ifc = interfaceByIndex(loopbackIf.pollFirst());
      if (ifc != null) {
        frameChecksumsVerified = false;
        inputIp(ifc, p, 0, p.length, false, now);
      }
    }
    reassembler.poll(now, d -> icmp.reassemblyTimedOut(d, now));
    routes.poll(now);
    for (Interface i : interfaces) {
      i.neighbors.poll(now);
      i.pollMld(now);
    }
    for (IpHandler h : handlers) {
      if (h != null && now >= h.pollAt()) {
        h.poll(now);
      }
    }
  }

  // --- input -------------------------------------------------------------------------------------

  void input(Interface ifc, byte[] buf, int off, int len, long now, boolean checksumsVerified) {
    now = clock(now);
    frameChecksumsVerified = checksumsVerified;
    stats.count(Counter.FRAMES_IN);
    if (!eth.wrap(buf, off, len)) {
      stats.malformed(Layer.ETHERNET, eth.error());
      return;
    }
    long dst = eth.dst();
    boolean linkMulticast = false;
    if (dst != ifc.mac()) {
      if (!MacAddress.isMulticast(dst) || !ifc.acceptsMac(dst)) {
        stats.count(Counter.DROP_NOT_OUR_MAC);
        return;
      }
      linkMulticast = true;
    }
    long src = eth.src();
    if (src == ifc.mac()) {
      stats.count(Counter.DROP_OWN_FRAME);
      return;
    }
    int p = eth.payloadOffset();
    int l = eth.payloadLength();
    switch (eth.etherType()) {
      case EtherType.IPV4 -> inputV4(ifc, buf, p, l, linkMulticast, now);
      case EtherType.IPV6 -> inputV6(ifc, buf, p, l, linkMulticast, now);
      case EtherType.ARP -> arp.input(ifc, src, buf, p, l, now);
      default -> stats.count(Counter.DROP_UNKNOWN_ETHERTYPE);
    }
  }

  private void inputIp(Interface ifc, byte[] buf, int off, int len, boolean linkMulticast, long now) {
    if (len > 0 && (buf[off] & 0xF0) == 0x60) {
      inputV6(ifc, buf, off, len, linkMulticast, now);
    } else {
      inputV4(ifc, buf, off, len, linkMulticast, now);
    }
  }

  private void inputV4(Interface ifc, byte[] buf, int off, int len, boolean linkMulticast, long now) {
    Ipv4Packet ip = v4;
    if (!ip.wrap(buf, off, len)) {
      stats.malformed(Layer.IPV4, ip.error());
      return;
    }
    stats.count(Counter.IP_IN);
    int dst = ip.dst();
    int src = ip.src();
    boolean broadcast = false;
    boolean multicast = false;
    if (!ifc.isOwnV4(dst)) {
      if (dst == -1 || ifc.isDirectedBroadcastV4(dst)) {
        broadcast = true;
      } else if ((dst >>> 28) == 0xE && ifc.inGroupV4(dst)) {
        multicast = true;
      } else {
        stats.count(Counter.DROP_IP_NOT_FOR_US);
        return;
      }
    }
    if ((src >>> 28) == 0xE || src == -1 || ifc.isDirectedBroadcastV4(src) || ifc.isOwnV4(src) && linkMulticast) {
      stats.count(Counter.DROP_IP_BAD_SOURCE);
      return;
    }
    int protocol = ip.protocol();
    int tos = ip.tos();
    int ttl = ip.ttl();
    boolean verified = frameChecksumsVerified;
    if (ip.isFragment()) {
      verified = false; // the flag is per frame; a reassembled datagram is checked as a whole
      Reassembler.Datagram d = reassembler.add(4, 0, IpAddress.v4Lo(src), 0, IpAddress.v4Lo(dst), ip.identification(),
          protocol, ifc.index(), ip.fragmentOffset(), ip.moreFragments(), buf, ip.payloadOffset(), ip.payloadLength(),
          buf, off, ip.headerLength(), now);
      if (d == null) {
        return;
      }
      // Rebuild the whole datagram in front of the data: first fragment's header, new length,
      // fragment fields cleared, checksum recomputed.
      int hl = d.firstHeader.length;
      int ipOff = Reassembler.HEADROOM - hl;
      byte[] b = d.buf;
      System.arraycopy(d.firstHeader, 0, b, ipOff, hl);
      Bytes.put16(b, ipOff + 2, hl + d.totalLength);
      Bytes.put16(b, ipOff + 6, 0);
      Bytes.put16(b, ipOff + 10, 0);
      Bytes.put16(b, ipOff + 10, Checksum.of(b, ipOff, hl));
      buf = b;
      off = ipOff;
      len = hl + d.totalLength;
      ip.wrap(buf, off, len);
    }
    curBuf = buf;
    curOff = off;
    curLen = ip.length();
    curLinkMulticast = linkMulticast;
    PacketInfo pi = info;
    pi.set(4, 0, IpAddress.v4Lo(src), 0, IpAddress.v4Lo(dst), protocol, ttl, tos, ifc.index());
    pi.broadcast = broadcast;
    pi.multicast = multicast;
    pi.checksumsVerified = verified;
    deliver(ifc, pi, buf, ip.payloadOffset(), ip.payloadLength(), now);
  }

  private void inputV6(Interface ifc, byte[] buf, int off, int len, boolean linkMulticast, long now) {
    Ipv6Packet ip = v6;
    if (!ip.wrap(buf, off, len)) {
      stats.malformed(Layer.IPV6, ip.error());
      return;
    }
    stats.count(Counter.IP_IN);
    long sh = ip.srcHi();
    long sl = ip.srcLo();
    long dh = ip.dstHi();
    long dl = ip.dstLo();
    if (IpAddress.isV4(sh, sl) || IpAddress.isV4(dh, dl) || (sh >>> 56) == 0xFF) {
      stats.count(Counter.DROP_IP_BAD_SOURCE);
      return;
    }
    boolean multicast = false;
    if (!ifc.isOwnV6(dh, dl)) {
      if ((dh >>> 56) == 0xFF && ifc.inGroupV6(dh, dl)) {
        multicast = true;
      } else {
        stats.count(Counter.DROP_IP_NOT_FOR_US);
        return;
      }
    }
    curBuf = buf;
    curOff = off;
    curLen = ip.length();
    curLinkMulticast = linkMulticast;
    Ipv6HeaderChain c = chain;
    if (!c.walk(ip, multicast)) {
      if (c.error() == WireError.UNRECOGNIZED_OPTION
          || c.error() == WireError.UNSUPPORTED) {
        stats.count(Counter.DROP_IPV6_OPTION);
      } else {
        stats.malformed(Layer.IPV6, c.error());
      }
      if (c.sendParameterProblem) {
        icmp.parameterProblemV6(ifc, c.problemCode, c.problemPointer, multicast, now);
      }
      return;
    }
    int hopLimit = ip.hopLimit();
    int tc = ip.trafficClass();
    boolean verified = frameChecksumsVerified;
    if (c.fragment) {
      verified = false; // the flag is per frame; a reassembled datagram is checked as a whole
      Reassembler.Datagram d = reassembler.add(6, sh, sl, dh, dl, c.fragmentId, c.protocol, ifc.index(),
          c.fragmentOffset, c.moreFragments, buf, c.dataOffset, c.dataLength, buf, off, Ipv6Packet.HEADER_LEN, now);
      if (d == null) {
        return;
      }
      int ipOff = Reassembler.HEADROOM - Ipv6Packet.HEADER_LEN;
      System.arraycopy(d.firstHeader, 0, d.buf, ipOff, Ipv6Packet.HEADER_LEN);
      Bytes.put16(d.buf, ipOff + 4, d.totalLength);
      d.buf[ipOff + 6] = (byte) d.protocol;
      buf = d.buf;
      off = ipOff;
      ip.wrap(buf, off, Ipv6Packet.HEADER_LEN + d.totalLength);
      curBuf = buf;
      curOff = off;
      curLen = ip.length();
      if (!c.walk(ip, multicast) || c.fragment) {
        stats.malformed(Layer.IPV6, WireError.BAD_EXTENSION_CHAIN);
        return;
      }
    }
    PacketInfo pi = info;
    pi.set(6, sh, sl, dh, dl, c.protocol, hopLimit, tc, ifc.index());
    pi.multicast = multicast;
    pi.checksumsVerified = verified;
    deliver(ifc, pi, buf, c.dataOffset, c.dataLength, now);
  }

  private void deliver(Interface ifc, PacketInfo pi, byte[] buf, int off, int len, long now) {
    int protocol = pi.protocol;
    if (protocol == IpProtocol.ICMP && pi.version == 4) {
      icmp.inputV4(ifc, pi, buf, off, len, now);
      return;
    }
    if (protocol == IpProtocol.ICMPV6 && pi.version == 6) {
      icmp.inputV6(ifc, pi, buf, off, len, now);
      return;
    }
    if (protocol == IpProtocol.IPV6_NONXT) {
      return;
    }
    IpHandler h = handlers[protocol];
    if (h == null || protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6) {
      stats.count(Counter.DROP_IP_UNKNOWN_PROTOCOL);
      icmp.protocolUnreachable(ifc, pi, now);
      return;
    }
    int r = h.receive(pi, buf, off, len, now);
    if (r == IpHandler.PORT_UNREACHABLE) {
      icmp.portUnreachable(ifc, pi, now);
    }
  }

  // --- output ------------------------------------------------------------------------------------

  @Override
  public int send(IpParams p, byte[] buf, int off, int len, long now) {
    now = clock(now);
    if (off < transportOffset || len < 0 || off + len + tailroom > buf.length) {
      throw new IllegalArgumentException("send needs off >= transportOffset() and tailroom after the data");
    }
    long dh = p.dstHi();
    long dl = p.dstLo();
    boolean isV4 = IpAddress.isV4(dh, dl);
    if (isV4 != IpAddress.isV4(p.srcHi(), p.srcLo())) {
      throw new IllegalArgumentException("source and destination families differ: " + p);
    }
    Interface local = localInterface(dh, dl);
    if (local != null) {
      return loop(local, p, buf, off, len);
    }
    if (!routes.lookup(dh, dl, p.interfaceIndex(), route, now)) {
      stats.count(Counter.DROP_NO_ROUTE);
      return SocketError.NO_ROUTE.code();
    }
    Interface ifc = interfaces.get(route.interfaceIndex - 1);
    int hop = p.hopLimit() >= 0 ? p.hopLimit() : IpAddress.isMulticast(dh, dl) ? 1 : DEFAULT_HOP_LIMIT;
    int hdr = isV4 ? Ipv4Packet.HEADER_LEN : Ipv6Packet.HEADER_LEN;
    if (hdr + len > route.mtu) {
      if (p.dontFragment()) {
        return SocketError.MESSAGE_TOO_BIG.code();
      }
      return isV4 ? fragmentV4(ifc, p, hop, buf, off, len, now) : fragmentV6(ifc, p, hop, buf, off, len, now);
    }
    int ipOff = off - hdr;
    if (isV4) {
      if (hdr + len > 0xFFFF) {
        return SocketError.MESSAGE_TOO_BIG.code();
      }
      Ipv4Packet.writeHeader(buf, ipOff, p.trafficClass(), hdr + len, nextIdent(),
          p.dontFragment() ? Ipv4Packet.FLAG_DF : 0, hop, p.protocol(), (int) p.srcLo(), (int) dl);
    } else {
      Ipv6Packet.writeHeader(buf, ipOff, p.trafficClass(), 0, len, p.protocol(), hop, p.srcHi(), p.srcLo(), dh, dl);
    }
    stats.count(Counter.IP_OUT);
    return emit(ifc, isV4, dh, dl, route.nextHopHi, route.nextHopLo, buf, ipOff, hdr + len, now);
  }

  private int nextIdent() {
    ipv4Ident = (ipv4Ident + 1) & 0xFFFF;
    return ipv4Ident;
  }

  /**
   * Puts the Ethernet header in front of the IP packet {@code buf[ipOff, ipOff+ipLen)} and
   * transmits it, or queues a copy behind neighbor resolution.
   */
  int emit(Interface ifc, boolean isV4, long dh, long dl, long nhHi, long nhLo, byte[] buf, int ipOff, int ipLen,
      long now) {
    long mac;
    if (isV4 && ((int) dl == -1 || ifc.isDirectedBroadcastV4((int) dl))) {
      mac = MacAddress.BROADCAST;
    } else if (IpAddress.isMulticast(dh, dl)) {
      mac = isV4 ? MacAddress.ofIpv4Multicast((int) dl) : MacAddress.ofIpv6Multicast(dl);
    } else {
      mac = ifc.neighbors.lookup(nhHi, nhLo, now);
    }
    int frameOff = ipOff - EthernetFrame.HEADER_LEN;
    int frameLen = ipLen + EthernetFrame.HEADER_LEN;
    EthernetFrame.writeHeader(buf, frameOff, mac < 0 ? 0 : mac, ifc.mac(), isV4 ? EtherType.IPV4 : EtherType.IPV6);
    if (mac == -1) {
      byte[] copy = new byte[headroom + frameLen + tailroom];
      System.arraycopy(buf, frameOff, copy, headroom, frameLen);
      ifc.neighbors.enqueue(nhHi, nhLo, copy);
      return 0;
    }
    if (mac < 0) {
      return SocketError.NO_BUFFER_SPACE.code();
    }
    ifc.transmit(buf, frameOff, frameLen);
    return 0;
  }

  private int fragmentV4(Interface ifc, IpParams p, int hop, byte[] buf, int off, int len, long now) {
    if (Ipv4Packet.HEADER_LEN + len > 0xFFFF) {
      return SocketError.MESSAGE_TOO_BIG.code();
    }
    int chunk = (route.mtu - Ipv4Packet.HEADER_LEN) & ~7;
    int ident = nextIdent();
    long dh = p.dstHi();
    long dl = p.dstLo();
    long nhHi = route.nextHopHi;
    long nhLo = route.nextHopLo;
    stats.count(Counter.IP_OUT);
    for (int pos = 0; pos < len; pos += chunk) {
      int n = Math.min(chunk, len - pos);
      boolean more = pos + n < len;
      int dataOff = transportOffset;
      System.arraycopy(buf, off + pos, fragBuffer, dataOff, n);
      int ipOff = dataOff - Ipv4Packet.HEADER_LEN;
      Ipv4Packet.writeHeader(fragBuffer, ipOff, p.trafficClass(), Ipv4Packet.HEADER_LEN + n, ident,
          (more ? Ipv4Packet.FLAG_MF : 0) | (pos >>> 3), hop, p.protocol(), (int) p.srcLo(), (int) dl);
      stats.count(Counter.FRAGMENTS_OUT);
      int r = emit(ifc, true, dh, dl, nhHi, nhLo, fragBuffer, ipOff, Ipv4Packet.HEADER_LEN + n, now);
      if (r < 0) {
        return r;
      }
    }
    return 0;
  }

  private int fragmentV6(Interface ifc, IpParams p, int hop, byte[] buf, int off, int len, long now) {
    if (len > 0xFFFF) {
      return SocketError.MESSAGE_TOO_BIG.code();
    }
    int chunk = (route.mtu - Ipv6Packet.HEADER_LEN - 8) & ~7;
    int id = ++ipv6FragId;
    long dh = p.dstHi();
    long dl = p.dstLo();
    long nhHi = route.nextHopHi;
    long nhLo = route.nextHopLo;
    stats.count(Counter.IP_OUT);
    for (int pos = 0; pos < len; pos += chunk) {
      int n = Math.min(chunk, len - pos);
      boolean more = pos + n < len;
      int dataOff = transportOffset + 8;
      System.arraycopy(buf, off + pos, fragBuffer, dataOff, n);
      Ipv6HeaderChain.writeFragmentHeader(fragBuffer, dataOff - 8, p.protocol(), pos, more, id);
      int ipOff = dataOff - 8 - Ipv6Packet.HEADER_LEN;
      Ipv6Packet.writeHeader(fragBuffer, ipOff, p.trafficClass(), 0, 8 + n, IpProtocol.IPV6_FRAG, hop, p.srcHi(),
          p.srcLo(), dh, dl);
      stats.count(Counter.FRAGMENTS_OUT);
      int r = emit(ifc, false, dh, dl, nhHi, nhLo, fragBuffer, ipOff, Ipv6Packet.HEADER_LEN + 8 + n, now);
      if (r < 0) {
        return r;
      }
    }
    return 0;
  }

  /** A packet to one of our own addresses: queued whole and delivered by the next {@link #poll}. */
  private int loop(Interface ifc, IpParams p, byte[] buf, int off, int len) {
    if (loopback.size() >= MAX_LOOPBACK_PACKETS) {
      return SocketError.NO_BUFFER_SPACE.code();
    }
    boolean isV4 = p.isV4();
    int hdr = isV4 ? Ipv4Packet.HEADER_LEN : Ipv6Packet.HEADER_LEN;
    if (isV4 ? hdr + len > 0xFFFF : len > 0xFFFF) {
      return SocketError.MESSAGE_TOO_BIG.code();
    }
    byte[] pkt = new byte[hdr + len];
    System.arraycopy(buf, off, pkt, hdr, len);
    int hop = p.hopLimit() >= 0 ? p.hopLimit() : DEFAULT_HOP_LIMIT;
    if (isV4) {
      Ipv4Packet.writeHeader(pkt, 0, p.trafficClass(), hdr + len, nextIdent(), 0, hop, p.protocol(),
          (int) p.srcLo(), (int) p.dstLo());
    } else {
      Ipv6Packet.writeHeader(pkt, 0, p.trafficClass(), 0, len, p.protocol(), hop, p.srcHi(), p.srcLo(), p.dstHi(),
          p.dstLo());
    }
    loopback.addLast(pkt);
    loopbackIf.addLast(ifc.index());
    stats.count(Counter.LOOPBACK);
    return 0;
  }

  /** A queued frame whose neighbor never answered: tell the transport that sent it. */
  void unresolvable(byte[] frame, int off, int len, long now) {
    if (len <= EthernetFrame.HEADER_LEN) {
      return;
    }
    icmp.localError(frame, off + EthernetFrame.HEADER_LEN, len - EthernetFrame.HEADER_LEN,
        SocketError.HOST_UNREACHABLE, 0, now);
  }

  /** Builds the Ethernet header for a control frame at {@code frameOff} and transmits it now. */
  void transmitControl(Interface ifc, byte[] buf, int frameOff, int frameLen, long dstMac, int etherType) {
    EthernetFrame.writeHeader(buf, frameOff, dstMac, ifc.mac(), etherType);
    ifc.transmit(buf, frameOff, frameLen);
  }

  long lastNow() {
    return lastNow;
  }
}
