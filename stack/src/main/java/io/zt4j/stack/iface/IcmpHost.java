package io.zt4j.stack.iface;

import io.zt4j.stack.ip.IpHandler;
import io.zt4j.stack.ip.IpParams;
import io.zt4j.stack.ip.StackStats;
import io.zt4j.stack.ip.StackStats.Counter;
import io.zt4j.stack.ip.StackStats.Layer;
import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.wire.Bytes;
import io.zt4j.stack.wire.Checksum;
import io.zt4j.stack.wire.Icmpv4Packet;
import io.zt4j.stack.wire.Icmpv6Packet;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpProtocol;
import io.zt4j.stack.wire.Ipv6HeaderChain;
import io.zt4j.stack.wire.Ipv6Packet;
import io.zt4j.stack.wire.WireError;

/**
 * ICMPv4 and ICMPv6 as a host does them (RFC 1122 §3.2.2, RFC 4443):
 *
 * <ul>
 *   <li>answers echo requests (IPv4 unicast only, like Linux's default; IPv6 also multicast);
 *   <li>hands echo replies to the handler registered for protocol 1 / 58 (the ping sockets);
 *   <li>turns received errors into {@link SocketError}s for the transport that sent the quoted
 *       packet, and lowers the path MTU on "fragmentation needed" / "packet too big";
 *   <li>sends port/protocol unreachable, parameter problem and reassembly time exceeded — never
 *       about ICMP errors, broadcasts, multicasts (with the RFC 4443 §2.4(e) exceptions),
 *       non-first fragments or non-unicast sources, and through a token-bucket rate limit;
 *   <li>passes Neighbor Discovery to {@link Ndp}.
 * </ul>
 *
 * Owner-thread only.
 */
final class IcmpHost {
  /** RFC 1812 §4.3.2.5: ICMP errors go out with precedence 6 (Linux sends TOS 0xc0). */
  static final int ERROR_TOS = 0xC0;
  /** RFC 1812 §4.3.2.3: quote as much as fits in 576 bytes. */
  static final int V4_ERROR_MAX = 576;
  /** RFC 4443 §2.4(c): as much as fits in the IPv6 minimum MTU. */
  static final int V6_ERROR_MAX = Ipv6Packet.MIN_MTU;
  /** RFC 1191 §7 plateau table, for "fragmentation needed" without a next-hop MTU. */
  private static final int[] PLATEAUS = {32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};

  private final IpCore core;
  private final StackStats stats;
  private final Icmpv4Packet i4 = new Icmpv4Packet();
  private final Icmpv6Packet i6 = new Icmpv6Packet();
  private final IpParams params = new IpParams();
  private final PacketInfo quoted = new PacketInfo();
  private final long costNanos;
  private final long burstNanos;
  private long credit;
  private long creditAt = Long.MIN_VALUE;

  IcmpHost(IpCore core, int ratePerSecond) {
    this.core = core;
    this.stats = core.stats();
    this.costNanos = ratePerSecond <= 0 ? Long.MAX_VALUE : 1_000_000_000L / ratePerSecond;
    this.burstNanos = ratePerSecond <= 0 ? 0 : costNanos * (ratePerSecond / 20 + 1);
    this.credit = burstNanos;
  }

  // --- input -------------------------------------------------------------------------------------

  void inputV4(Interface ifc, PacketInfo pi, byte[] buf, int off, int len, long now) {
    Icmpv4Packet p = i4;
    if (!p.wrap(buf, off, len)) {
      stats.malformed(Layer.ICMPV4, p.error());
      return;
    }
    stats.count(Counter.ICMP_IN);
    switch (p.type()) {
      case Icmpv4Packet.TYPE_ECHO_REQUEST -> {
        if (pi.broadcast || pi.multicast) {
          stats.count(Counter.DROP_ICMP_UNHANDLED); // icmp_echo_ignore_broadcasts, RFC 1122 §3.2.2.6 MAY
          return;
        }
        echoReply(pi, buf, off, len, Icmpv4Packet.TYPE_ECHO_REPLY, now);
      }
      case Icmpv4Packet.TYPE_ECHO_REPLY -> toEchoHandler(IpProtocol.ICMP, pi, buf, off, len, now);
      case Icmpv4Packet.TYPE_DEST_UNREACHABLE -> {
        int code = p.code();
        SocketError e = switch (code) {
          case Icmpv4Packet.CODE_NET_UNREACHABLE, 6, 11 -> SocketError.NETWORK_UNREACHABLE;
          case Icmpv4Packet.CODE_PROTOCOL_UNREACHABLE -> SocketError.PROTOCOL_UNREACHABLE;
          case Icmpv4Packet.CODE_PORT_UNREACHABLE -> SocketError.CONNECTION_REFUSED;
          case Icmpv4Packet.CODE_FRAGMENTATION_NEEDED -> SocketError.MESSAGE_TOO_BIG;
          case 9, 10, Icmpv4Packet.CODE_ADMIN_PROHIBITED -> SocketError.PROHIBITED;
          default -> SocketError.HOST_UNREACHABLE;
        };
        int mtu = code == Icmpv4Packet.CODE_FRAGMENTATION_NEEDED ? p.nextHopMtu() : 0;
        localError(buf, p.dataOffset(), p.dataLength(), e, mtu, now);
      }
      case Icmpv4Packet.TYPE_TIME_EXCEEDED -> localError(buf, p.dataOffset(), p.dataLength(), SocketError.TTL_EXCEEDED, 0, now);
      case Icmpv4Packet.TYPE_PARAMETER_PROBLEM ->
          localError(buf, p.dataOffset(), p.dataLength(), SocketError.PROTOCOL_ERROR, 0, now);
      default -> stats.count(Counter.DROP_ICMP_UNHANDLED);
    }
  }

  void inputV6(Interface ifc, PacketInfo pi, byte[] buf, int off, int len, long now) {
    Icmpv6Packet p = i6;
    if (!p.wrap(buf, off, len)) {
      stats.malformed(Layer.ICMPV6, p.error());
      return;
    }
    if (!p.verifies(Checksum.pseudoHeader(pi.srcHi, pi.srcLo, pi.dstHi, pi.dstLo, IpProtocol.ICMPV6, len))) {
      stats.malformed(Layer.ICMPV6, WireError.BAD_CHECKSUM);
      return;
    }
    stats.count(Counter.ICMP_IN);
    switch (p.type()) {
      case Icmpv6Packet.TYPE_ECHO_REQUEST -> echoReply(pi, buf, off, len, Icmpv6Packet.TYPE_ECHO_REPLY, now);
      case Icmpv6Packet.TYPE_ECHO_REPLY -> toEchoHandler(IpProtocol.ICMPV6, pi, buf, off, len, now);
      case Icmpv6Packet.TYPE_DEST_UNREACHABLE -> {
        SocketError e = switch (p.code()) {
          case Icmpv6Packet.CODE_NO_ROUTE -> SocketError.NETWORK_UNREACHABLE;
          case Icmpv6Packet.CODE_PORT_UNREACHABLE -> SocketError.CONNECTION_REFUSED;
          case Icmpv6Packet.CODE_ADMIN_PROHIBITED, 5, 6 -> SocketError.PROHIBITED;
          default -> SocketError.HOST_UNREACHABLE;
        };
        localError(buf, p.dataOffset(), p.dataLength(), e, 0, now);
      }
      case Icmpv6Packet.TYPE_PACKET_TOO_BIG ->
          localError(buf, p.dataOffset(), p.dataLength(), SocketError.MESSAGE_TOO_BIG, (int) Math.min(p.mtu(), 65535), now);
      case Icmpv6Packet.TYPE_TIME_EXCEEDED -> localError(buf, p.dataOffset(), p.dataLength(), SocketError.TTL_EXCEEDED, 0, now);
      case Icmpv6Packet.TYPE_PARAMETER_PROBLEM -> localError(buf, p.dataOffset(), p.dataLength(),
          p.code() == 1 ? SocketError.PROTOCOL_UNREACHABLE : SocketError.PROTOCOL_ERROR, 0, now);
      case Icmpv6Packet.TYPE_ROUTER_SOLICITATION, Icmpv6Packet.TYPE_ROUTER_ADVERTISEMENT,
          Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION, Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT,
          Icmpv6Packet.TYPE_REDIRECT -> core.ndp.input(ifc, pi, p, now);
      case Icmpv6Packet.TYPE_MLD_QUERY -> core.ndp.mldQuery(ifc, pi, p, now);
      default -> stats.count(Counter.DROP_ICMP_UNHANDLED); // other listeners' MLD reports: nothing to do as a host
    }
  }

  private void toEchoHandler(int protocol, PacketInfo pi, byte[] buf, int off, int len, long now) {
    IpHandler h = core.handler(protocol);
    if (h == null) {
      stats.count(Counter.DROP_ICMP_UNHANDLED);
      return;
    }
    h.receive(pi, buf, off, len, now);
  }

  /** Copies the request into the transmit buffer, flips the type and fixes the checksum. */
  private void echoReply(PacketInfo pi, byte[] buf, int off, int len, int replyType, long now) {
    byte[] tx = core.txBuffer();
    int t = core.transportOffset();
    System.arraycopy(buf, off, tx, t, len);
    int oldWord = Bytes.u16(tx, t);
    tx[t] = (byte) replyType;
    // RFC 1624 incremental update; the IPv6 pseudo-header is symmetric in src/dst.
    Bytes.put16(tx, t + 2, Checksum.update16(Bytes.u16(tx, t + 2), oldWord, Bytes.u16(tx, t)));
    IpParams ps = params.protocol(pi.version == 4 ? IpProtocol.ICMP : IpProtocol.ICMPV6)
        .dst(pi.srcHi, pi.srcLo).hopLimit(-1).trafficClass(pi.trafficClass).dontFragment(false)
        .interfaceIndex(pi.interfaceIndex);
    if (pi.multicast) {
      Interface ifc = core.interfaceByIndex(pi.interfaceIndex);
      IpAddress src = ifc.sourceV6For(pi.srcHi, pi.srcLo);
      if (src == null) {
        return;
      }
      ps.src(src);
    } else {
      ps.src(pi.dstHi, pi.dstLo);
    }
    stats.count(Counter.ICMP_OUT);
    core.send(ps, tx, t, len, now);
  }

  // --- errors to local transports ----------------------------------------------------------------

  /**
   * An error about a packet we sent ({@code buf[qOff, qOff+qLen)} is the quoted IP packet): find
   * its transport header and hand it to the protocol's handler.
   */
  void localError(byte[] buf, int qOff, int qLen, SocketError err, int mtu, long now) {
    if (qLen < 1) {
      return;
    }
    int end = qOff + qLen;
    PacketInfo q = quoted;
    int tOff;
    if ((buf[qOff] & 0xF0) == 0x40) {
      if (qLen < 20) {
        return;
      }
      int hl = (buf[qOff] & 0xF) * 4;
      if (hl < 20 || qLen < hl + 8) {
        return;
      }
      q.set(4, 0, IpAddress.v4Lo(Bytes.i32(buf, qOff + 12)), 0, IpAddress.v4Lo(Bytes.i32(buf, qOff + 16)),
          buf[qOff + 9] & 0xFF, buf[qOff + 8] & 0xFF, buf[qOff + 1] & 0xFF, 0);
      if ((Bytes.u16(buf, qOff + 6) & 0x1FFF) != 0) {
        return; // a non-first fragment carries no transport header
      }
      tOff = qOff + hl;
      if (err == SocketError.MESSAGE_TOO_BIG && mtu == 0) {
        mtu = plateauBelow(Bytes.u16(buf, qOff + 2));
      }
    } else if ((buf[qOff] & 0xF0) == 0x60) {
      if (qLen < Ipv6Packet.HEADER_LEN + 8) {
        return;
      }
      int nh = buf[qOff + 6] & 0xFF;
      int pos = qOff + Ipv6Packet.HEADER_LEN;
      for (int i = 0; i < Ipv6HeaderChain.MAX_HEADERS; i++) {
        if (nh == IpProtocol.HOPOPT || nh == IpProtocol.IPV6_ROUTE || nh == IpProtocol.IPV6_OPTS) {
          if (end - pos < 8) {
            return;
          }
          int n = buf[pos] & 0xFF;
          pos += ((buf[pos + 1] & 0xFF) + 1) * 8;
          nh = n;
        } else if (nh == IpProtocol.IPV6_FRAG) {
          if (end - pos < 8 || (Bytes.u16(buf, pos + 2) & 0xFFF8) != 0) {
            return;
          }
          nh = buf[pos] & 0xFF;
          pos += 8;
        } else {
          break;
        }
      }
      if (end - pos < 8) {
        return;
      }
      q.set(6, Bytes.i64(buf, qOff + 8), Bytes.i64(buf, qOff + 16), Bytes.i64(buf, qOff + 24),
          Bytes.i64(buf, qOff + 32), nh, buf[qOff + 7] & 0xFF, (Bytes.u16(buf, qOff) >>> 4) & 0xFF, 0);
      tOff = pos;
    } else {
      return;
    }
    Interface ifc = core.localInterface(q.srcHi, q.srcLo);
    if (ifc == null) {
      stats.count(Counter.DROP_ICMP_UNHANDLED); // not about a packet of ours
      return;
    }
    q.interfaceIndex = ifc.index();
    if (err == SocketError.MESSAGE_TOO_BIG && mtu > 0) {
      core.routes.lowerPathMtu(q.dstHi, q.dstLo, mtu, now);
    }
    int proto = q.protocol;
    IpHandler h = core.handler(proto);
    if (h == null) {
      stats.count(Counter.DROP_ICMP_UNHANDLED);
      return;
    }
    h.receiveError(q, err, mtu, buf, tOff, end - tOff, now);
  }

  private static int plateauBelow(int length) {
    for (int p : PLATEAUS) {
      if (p < length) {
        return p;
      }
    }
    return 68;
  }

  // --- errors we send ----------------------------------------------------------------------------

  void portUnreachable(Interface ifc, PacketInfo pi, long now) {
    if (pi.version == 4) {
      errorV4(pi, Icmpv4Packet.TYPE_DEST_UNREACHABLE, Icmpv4Packet.CODE_PORT_UNREACHABLE, 0, now);
    } else {
      errorV6(ifc, Icmpv6Packet.TYPE_DEST_UNREACHABLE, Icmpv6Packet.CODE_PORT_UNREACHABLE, 0, pi.multicast, false, now);
    }
  }

  void protocolUnreachable(Interface ifc, PacketInfo pi, long now) {
    if (pi.version == 4) {
      errorV4(pi, Icmpv4Packet.TYPE_DEST_UNREACHABLE, Icmpv4Packet.CODE_PROTOCOL_UNREACHABLE, 0, now);
    } else {
      // RFC 8200 §4: parameter problem, code 1, pointing at the Next Header field. We point at
      // the fixed header's field, which is exact when there were no extension headers.
      errorV6(ifc, Icmpv6Packet.TYPE_PARAMETER_PROBLEM, Ipv6HeaderChain.PP_UNRECOGNIZED_NEXT_HEADER, 6, pi.multicast,
          false, now);
    }
  }

  void parameterProblemV6(Interface ifc, int code, int pointer, boolean dstMulticast, long now) {
    errorV6(ifc, Icmpv6Packet.TYPE_PARAMETER_PROBLEM, code, pointer, dstMulticast,
        code == Ipv6HeaderChain.PP_UNRECOGNIZED_OPTION, now);
  }

  /** RFC 792 / RFC 8200 §4.5: reassembly time exceeded, when the first fragment had arrived. */
  void reassemblyTimedOut(Reassembler.Datagram d, long now) {
    Interface ifc = core.interfaceByIndex(d.interfaceIndex);
    if (ifc == null) {
      return;
    }
    int hl = d.firstHeader.length;
    int data = Math.min(d.version == 4 ? 8 : 512, Math.max(0, d.buf.length - Reassembler.HEADROOM));
    byte[] q = new byte[hl + data];
    System.arraycopy(d.firstHeader, 0, q, 0, hl);
    System.arraycopy(d.buf, Reassembler.HEADROOM, q, hl, data);
    core.curBuf = q;
    core.curOff = 0;
    core.curLen = q.length;
    core.curLinkMulticast = false;
    if (d.version == 4) {
      PacketInfo pi = quoted;
      pi.set(4, d.srcHi, d.srcLo, d.dstHi, d.dstLo, d.protocol, 0, 0, d.interfaceIndex);
      errorV4(pi, Icmpv4Packet.TYPE_TIME_EXCEEDED, Icmpv4Packet.CODE_REASSEMBLY_TIME_EXCEEDED, 0, now);
    } else {
      errorV6(ifc, Icmpv6Packet.TYPE_TIME_EXCEEDED, 1, 0, false, false, now);
    }
  }

  private boolean rateAllows(long now) {
    if (creditAt == Long.MIN_VALUE) {
      creditAt = now;
    }
    long elapsed = Math.max(0, now - creditAt);
    creditAt = now;
    credit = elapsed >= burstNanos - credit ? burstNanos : credit + elapsed;
    if (credit < costNanos) {
      stats.count(Counter.ICMP_RATE_LIMITED);
      return false;
    }
    credit -= costNanos;
    return true;
  }

  /** Sends an ICMPv4 error about the packet in {@code core.cur*}, if the rules allow one. */
  private void errorV4(PacketInfo pi, int type, int code, int rest, long now) {
    byte[] ob = core.curBuf;
    int oo = core.curOff;
    int src = (int) pi.srcLo;
    if (pi.broadcast || pi.multicast || core.curLinkMulticast || src == 0 || src == -1 || (src >>> 28) >= 0xE) {
      return; // RFC 1122 §3.2.2
    }
    if ((Bytes.u16(ob, oo + 6) & 0x1FFF) != 0) {
      return; // not about non-first fragments
    }
    int hl = (ob[oo] & 0xF) * 4;
    if ((ob[oo + 9] & 0xFF) == IpProtocol.ICMP && core.curLen >= hl + 1) {
      int t = ob[oo + hl] & 0xFF;
      if (t != Icmpv4Packet.TYPE_ECHO_REQUEST && t != Icmpv4Packet.TYPE_ECHO_REPLY && t != 13 && t != 14) {
        return; // never about an ICMP error (or unknown ICMP)
      }
    }
    if (!IpAddress.isV4(pi.dstHi, pi.dstLo) || core.localInterface(pi.dstHi, pi.dstLo) == null) {
      return; // we answer only for our own unicast addresses
    }
    if (!rateAllows(now)) {
      return;
    }
    int quote = Math.min(core.curLen, V4_ERROR_MAX - 20 - Icmpv4Packet.HEADER_LEN);
    byte[] tx = core.txBuffer();
    int t = core.transportOffset();
    System.arraycopy(ob, oo, tx, t + Icmpv4Packet.HEADER_LEN, quote);
    Icmpv4Packet.write(tx, t, type, code, rest, quote);
    params.src(pi.dstHi, pi.dstLo).dst(pi.srcHi, pi.srcLo).protocol(IpProtocol.ICMP).hopLimit(-1)
        .trafficClass(ERROR_TOS).dontFragment(false).interfaceIndex(pi.interfaceIndex);
    stats.count(Counter.ICMP_ERRORS_OUT);
    core.send(params, tx, t, Icmpv4Packet.HEADER_LEN + quote, now);
  }

  /**
   * Sends an ICMPv6 error about the packet in {@code core.cur*} (RFC 4443 §2.4(e) rules;
   * {@code multicastOk} for the exceptions: packet too big, parameter problem code 2).
   */
  private void errorV6(Interface ifc, int type, int code, int rest, boolean dstMulticast, boolean multicastOk, long now) {
    byte[] ob = core.curBuf;
    int oo = core.curOff;
    long sh = Bytes.i64(ob, oo + 8);
    long sl = Bytes.i64(ob, oo + 16);
    long dh = Bytes.i64(ob, oo + 24);
    long dl = Bytes.i64(ob, oo + 32);
    if ((dstMulticast || core.curLinkMulticast) && !multicastOk) {
      return;
    }
    if ((sh == 0 && sl == 0) || (sh >>> 56) == 0xFF) {
      return;
    }
    if ((ob[oo + 6] & 0xFF) == IpProtocol.ICMPV6 && core.curLen >= 41) {
      int t = ob[oo + 40] & 0xFF;
      if (t < 128 || t == Icmpv6Packet.TYPE_REDIRECT) {
        return;
      }
    }
    if (!rateAllows(now)) {
      return;
    }
    IpAddress src;
    if (ifc.isOwnV6(dh, dl)) {
      src = IpAddress.of(dh, dl);
    } else {
      src = ifc.sourceV6For(sh, sl);
      if (src == null) {
        return;
      }
    }
    int quote = Math.min(core.curLen, V6_ERROR_MAX - Ipv6Packet.HEADER_LEN - Icmpv6Packet.HEADER_LEN);
    byte[] tx = core.txBuffer();
    int t = core.transportOffset();
    System.arraycopy(ob, oo, tx, t + Icmpv6Packet.HEADER_LEN, quote);
    int len = Icmpv6Packet.HEADER_LEN + quote;
    Icmpv6Packet.write(tx, t, type, code, rest, len, src.hi(), src.lo(), sh, sl);
    params.src(src).dst(sh, sl).protocol(IpProtocol.ICMPV6).hopLimit(-1).trafficClass(0).dontFragment(false)
        .interfaceIndex(ifc.index());
    stats.count(Counter.ICMP_ERRORS_OUT);
    core.send(params, tx, t, len, now);
  }
}
