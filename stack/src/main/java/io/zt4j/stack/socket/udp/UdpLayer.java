package io.zt4j.stack.socket.udp;

import io.zt4j.stack.ip.IpHandler;
import io.zt4j.stack.ip.IpInfo;
import io.zt4j.stack.ip.IpLayer;
import io.zt4j.stack.ip.IpParams;
import io.zt4j.stack.ip.RouteInfo;
import io.zt4j.stack.ip.StackStats;
import io.zt4j.stack.ip.StackStats.Counter;
import io.zt4j.stack.ip.StackStats.Layer;
import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.wire.Bytes;
import io.zt4j.stack.wire.Checksum;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpProtocol;
import io.zt4j.stack.wire.UdpPacket;
import io.zt4j.stack.wire.WireError;

/**
 * UDP for one stack: the socket table and demultiplexing (a direct port index, so a lookup is
 * one array read plus a walk over the few sockets sharing that port), checksums, and the send
 * path. Registered with the IP layer for protocol 17. Owner-thread only.
 */
public final class UdpLayer implements IpHandler {
  /** IANA dynamic port range (RFC 6335 §6), as Windows and BSDs use for ephemeral ports. */
  public static final int EPHEMERAL_FIRST = 49152;
  public static final int EPHEMERAL_LAST = 65535;

  private final IpLayer ip;
  private final StackStats stats;
  private final UdpSocket[] ports = new UdpSocket[65536];
  private final UdpPacket udp = new UdpPacket();
  private final IpParams params = new IpParams();
  private final RouteInfo route = new RouteInfo();
  private int nextEphemeral;

  public UdpLayer(IpLayer ip) {
    this.ip = ip;
    this.stats = ip.stats();
    this.nextEphemeral = EPHEMERAL_FIRST + ip.random().nextInt(EPHEMERAL_LAST - EPHEMERAL_FIRST + 1);
    ip.register(IpProtocol.UDP, this);
  }

  IpLayer ip() {
    return ip;
  }

  /** A new, unbound socket. */
  public UdpSocket open() {
    return new UdpSocket(this);
  }

  // --- binding -----------------------------------------------------------------------------------

  int bind(UdpSocket s, IpAddress local, int port) {
    long hi = local.hi();
    long lo = local.lo();
    if (!local.isUnspecified() && !local.isMulticast() && !ip.isLocalAddress(hi, lo)) {
      return SocketError.ADDRESS_NOT_AVAILABLE.code();
    }
    if (port == 0) {
      port = ephemeral(hi, lo, s.reuseAddress);
      if (port < 0) {
        return port;
      }
    } else if (conflicts(ports[port], hi, lo, s.reuseAddress)) {
      return SocketError.ADDRESS_IN_USE.code();
    }
    s.localHi = hi;
    s.localLo = lo;
    s.localPort = port;
    s.bound = true;
    s.nextOnPort = ports[port];
    ports[port] = s;
    return 0;
  }

  private int ephemeral(long hi, long lo, boolean reuse) {
    int range = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    for (int i = 0; i < range; i++) {
      int p = nextEphemeral;
      nextEphemeral = p == EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
      if (ports[p] == null) {
        return p;
      }
    }
    return SocketError.NO_PORTS.code();
  }

  private static boolean conflicts(UdpSocket head, long hi, long lo, boolean reuse) {
    for (UdpSocket o = head; o != null; o = o.nextOnPort) {
      if (reuse && o.reuseAddress) {
        continue;
      }
      if (overlaps(o.localHi, o.localLo, hi, lo)) {
        return true;
      }
    }
    return false;
  }

  /** Two local bindings overlap when equal, or one is a wildcard covering the other's family. */
  private static boolean overlaps(long ah, long al, long bh, long bl) {
    if (ah == bh && al == bl) {
      return true;
    }
    return covers(ah, al, bh, bl) || covers(bh, bl, ah, al);
  }

  private static boolean covers(long wh, long wl, long h, long l) {
    if (wh == 0 && wl == 0) {
      return true; // :: covers everything
    }
    return wh == 0 && wl == IpAddress.V4_MAPPED && IpAddress.isV4(h, l); // 0.0.0.0 covers IPv4
  }

  void unbind(UdpSocket s) {
    if (!s.bound) {
      return;
    }
    UdpSocket prev = null;
    for (UdpSocket o = ports[s.localPort]; o != null; prev = o, o = o.nextOnPort) {
      if (o == s) {
        if (prev == null) {
          ports[s.localPort] = o.nextOnPort;
        } else {
          prev.nextOnPort = o.nextOnPort;
        }
        break;
      }
    }
    s.bound = false;
  }

  // --- receive -----------------------------------------------------------------------------------

  @Override
  public int receive(IpInfo info, byte[] buf, int off, int len, long nowNanos) {
    UdpPacket u = udp;
    if (!u.wrap(buf, off, len)) {
      stats.malformed(Layer.UDP, u.error());
      return ACCEPTED;
    }
    long sh = info.srcHi();
    long sl = info.srcLo();
    long dh = info.dstHi();
    long dl = info.dstLo();
    boolean v4 = info.isV4();
    if (!info.checksumsVerified()
        && !u.verifies(Checksum.pseudoHeader(sh, sl, dh, dl, IpProtocol.UDP, u.length()), v4)) {
      stats.malformed(Layer.UDP, WireError.BAD_CHECKSUM);
      return ACCEPTED;
    }
    stats.count(Counter.UDP_IN);
    int dport = u.dstPort();
    int sport = u.srcPort();
    int pOff = u.payloadOffset();
    int pLen = u.payloadLength();
    int ifc = info.interfaceIndex();
    if (info.isBroadcast() || info.isMulticast()) {
      boolean any = false;
      for (UdpSocket s = ports[dport]; s != null; s = s.nextOnPort) {
        if (acceptsGroupOrBroadcast(s, v4, dh, dl) && remoteMatches(s, sh, sl, sport)) {
          any = true;
          deliver(s, buf, pOff, pLen, sh, sl, sport, dh, dl, ifc);
        }
      }
      if (!any) {
        stats.count(Counter.DROP_UDP_NO_SOCKET);
      }
      return ACCEPTED;
    }
    UdpSocket best = null;
    int bestScore = -1;
    for (UdpSocket s = ports[dport]; s != null; s = s.nextOnPort) {
      int score;
      if (s.localHi == dh && s.localLo == dl) {
        score = 2;
      } else if (covers(s.localHi, s.localLo, dh, dl)) {
        score = 0;
      } else {
        continue;
      }
      if (s.connected) {
        if (!remoteMatches(s, sh, sl, sport)) {
          continue;
        }
        score += 4;
      }
      if (score > bestScore) {
        best = s;
        bestScore = score;
      }
    }
    if (best == null) {
      stats.count(Counter.DROP_UDP_NO_SOCKET);
      return PORT_UNREACHABLE;
    }
    deliver(best, buf, pOff, pLen, sh, sl, sport, dh, dl, ifc);
    return ACCEPTED;
  }

  private static boolean acceptsGroupOrBroadcast(UdpSocket s, boolean v4, long dh, long dl) {
    if (s.localHi == dh && s.localLo == dl) {
      return true; // bound to the group (or broadcast) address itself
    }
    return covers(s.localHi, s.localLo, dh, dl);
  }

  private static boolean remoteMatches(UdpSocket s, long sh, long sl, int sport) {
    return !s.connected || (s.remoteHi == sh && s.remoteLo == sl && s.remotePort == sport);
  }

  private void deliver(UdpSocket s, byte[] buf, int off, int len, long sh, long sl, int sport, long dh, long dl, int ifc) {
    if (!s.enqueue(buf, off, len, sh, sl, sport, dh, dl, ifc)) {
      stats.count(Counter.DROP_UDP_RECEIVE_QUEUE_FULL);
    }
  }

  @Override
  public void receiveError(IpInfo quoted, SocketError error, int mtu, byte[] buf, int off, int len, long nowNanos) {
    if (len < 4) {
      return;
    }
    int sport = Bytes.u16(buf, off);
    int dport = Bytes.u16(buf, off + 2);
    for (UdpSocket s = ports[sport]; s != null; s = s.nextOnPort) {
      if (s.connected && s.remotePort == dport && s.remoteHi == quoted.dstHi() && s.remoteLo == quoted.dstLo()) {
        s.error(error);
      }
    }
  }

  // --- send --------------------------------------------------------------------------------------

  int send(UdpSocket s, byte[] buf, int off, int len, long dh, long dl, int dport, long now) {
    if (dport <= 0 || dport > 0xFFFF) {
      return SocketError.INVALID_ARGUMENT.code();
    }
    boolean v4 = IpAddress.isV4(dh, dl);
    if (len < 0 || len > 0xFFFF - UdpPacket.HEADER_LEN - (v4 ? 20 : 0)) {
      return SocketError.MESSAGE_TOO_BIG.code();
    }
    if (!s.bound) {
      int r = bind(s, IpAddress.ANY_V6, 0);
      if (r < 0) {
        return r;
      }
    }
    boolean specific = !(s.localHi == 0 && (s.localLo == 0 || s.localLo == IpAddress.V4_MAPPED))
        && !IpAddress.isMulticast(s.localHi, s.localLo);
    if (specific && IpAddress.isV4(s.localHi, s.localLo) != v4 || !specific && s.localLo == IpAddress.V4_MAPPED && !v4) {
      return SocketError.INVALID_ARGUMENT.code();
    }
    boolean multicast = IpAddress.isMulticast(dh, dl);
    if (v4 && !s.broadcast() && ((int) dl == -1)) {
      return SocketError.BROADCAST_NOT_ALLOWED.code();
    }
    int ifIndex = multicast ? s.multicastInterface : 0;
    long sh;
    long sl;
    if (specific) {
      sh = s.localHi;
      sl = s.localLo;
    } else {
      if (!ip.route(dh, dl, ifIndex, route)) {
        stats.count(Counter.DROP_NO_ROUTE);
        return SocketError.NO_ROUTE.code();
      }
      sh = route.srcHi;
      sl = route.srcLo;
    }
    byte[] tx = ip.txBuffer();
    int t = ip.transportOffset();
    System.arraycopy(buf, off, tx, t + UdpPacket.HEADER_LEN, len);
    int ulen = UdpPacket.HEADER_LEN + len;
    UdpPacket.write(tx, t, s.localPort, dport, len, Checksum.pseudoHeader(sh, sl, dh, dl, IpProtocol.UDP, ulen));
    params.src(sh, sl).dst(dh, dl).protocol(IpProtocol.UDP).trafficClass(s.trafficClass).dontFragment(false)
        .interfaceIndex(ifIndex).hopLimit(multicast ? s.multicastHopLimit : s.hopLimit);
    stats.count(Counter.UDP_OUT);
    int r = ip.send(params, tx, t, ulen, now);
    return r < 0 ? r : len;
  }
}
