package io.zt4j.stack.socket.icmp;

import io.zt4j.stack.ip.IpHandler;
import io.zt4j.stack.ip.IpInfo;
import io.zt4j.stack.ip.IpLayer;
import io.zt4j.stack.ip.IpParams;
import io.zt4j.stack.ip.RouteInfo;
import io.zt4j.stack.ip.StackStats.Counter;
import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.wire.Bytes;
import io.zt4j.stack.wire.Icmpv4Packet;
import io.zt4j.stack.wire.Icmpv6Packet;
import io.zt4j.stack.wire.IpAddress;
import io.zt4j.stack.wire.IpProtocol;
import java.util.ArrayList;
import java.util.List;

/**
 * ICMP echo sockets. Registered with the IP layer for protocols 1 and 58, which (for those two
 * protocols) hands it echo replies and the errors that quote our echo requests; the IP layer
 * itself answers echo requests. Sockets are found by echo identifier through a direct index.
 * Owner-thread only.
 */
public final class PingLayer implements IpHandler {
  private final IpLayer ip;
  private final PingSocket[] byId = new PingSocket[65536];
  private final List<PingSocket> waiting = new ArrayList<>();
  private final IpParams params = new IpParams();
  private final RouteInfo route = new RouteInfo();
  private int nextId;

  public PingLayer(IpLayer ip) {
    this.ip = ip;
    this.nextId = ip.random().nextInt(65536);
    ip.register(IpProtocol.ICMP, this);
    ip.register(IpProtocol.ICMPV6, this);
  }

  IpLayer ip() {
    return ip;
  }

  /** A new echo socket with a free identifier; null when all 65536 are in use. */
  public PingSocket open() {
    for (int i = 0; i < 65536; i++) {
      int id = (nextId + i) & 0xFFFF;
      if (byId[id] == null) {
        nextId = id + 1;
        PingSocket s = new PingSocket(this, id);
        byId[id] = s;
        return s;
      }
    }
    return null;
  }

  void closed(PingSocket s) {
    if (byId[s.identifier] == s) {
      byId[s.identifier] = null;
    }
    waiting.remove(s);
  }

  int send(PingSocket s, IpAddress dst, byte[] data, int off, int len, long timeoutNanos, long now) {
    boolean v4 = dst.isV4();
    int seq = s.nextSequence;
    s.nextSequence = (seq + 1) & 0xFFFF;
    if (len < 0 || len > 0xFFFF - 8 - (v4 ? 20 : 0)) {
      return failed(s, seq, SocketError.MESSAGE_TOO_BIG);
    }
    if (!ip.route(dst.hi(), dst.lo(), 0, route)) {
      ip.stats().count(Counter.DROP_NO_ROUTE);
      return failed(s, seq, SocketError.NO_ROUTE);
    }
    int slot = seq & (PingSocket.MAX_OUTSTANDING - 1);
    if (s.active[slot]) {
      s.active[slot] = false;
      s.outstanding--;
      s.result(new PingReply(s.seqs[slot], null, SocketError.TIMED_OUT, now - s.sentAt[slot], 0, 0));
    }
    byte[] tx = ip.txBuffer();
    int t = ip.transportOffset();
    System.arraycopy(data, off, tx, t + 8, len);
    int rest = (s.identifier << 16) | seq;
    if (v4) {
      Icmpv4Packet.write(tx, t, Icmpv4Packet.TYPE_ECHO_REQUEST, 0, rest, len);
    } else {
      Icmpv6Packet.write(tx, t, Icmpv6Packet.TYPE_ECHO_REQUEST, 0, rest, 8 + len, route.srcHi, route.srcLo, dst.hi(),
          dst.lo());
    }
    params.src(route.srcHi, route.srcLo).dst(dst).protocol(v4 ? IpProtocol.ICMP : IpProtocol.ICMPV6).hopLimit(-1)
        .trafficClass(0).dontFragment(false).interfaceIndex(route.interfaceIndex);
    s.seqs[slot] = seq;
    s.sentAt[slot] = now;
    s.deadline[slot] = now + timeoutNanos;
    s.active[slot] = true;
    s.outstanding++;
    if (!waiting.contains(s)) {
      waiting.add(s);
    }
    ip.stats().count(Counter.ICMP_OUT);
    int r = ip.send(params, tx, t, 8 + len, now);
    if (r < 0) {
      s.active[slot] = false;
      s.outstanding--;
      return failed(s, seq, SocketError.of(r));
    }
    return seq;
  }

  /** Every request gets exactly one result, also when it could not even be sent. */
  private static int failed(PingSocket s, int seq, SocketError e) {
    s.result(new PingReply(seq, null, e, 0, 0, 0));
    return e.code();
  }

  @Override
  public int receive(IpInfo info, byte[] buf, int off, int len, long now) {
    // An echo reply (the IP layer checked length and checksum).
    if (len < 8) {
      return ACCEPTED;
    }
    int id = Bytes.u16(buf, off + 4);
    int seq = Bytes.u16(buf, off + 6);
    PingSocket s = byId[id];
    if (s == null) {
      ip.stats().count(Counter.DROP_ICMP_UNHANDLED);
      return ACCEPTED;
    }
    int slot = s.slotOf(seq);
    if (slot < 0) {
      ip.stats().count(Counter.DROP_ICMP_UNHANDLED); // late or duplicate reply
      return ACCEPTED;
    }
    s.active[slot] = false;
    s.outstanding--;
    s.result(new PingReply(seq, info.src(), null, now - s.sentAt[slot], info.hopLimit(), len - 8));
    return ACCEPTED;
  }

  @Override
  public void receiveError(IpInfo quoted, SocketError error, int mtu, byte[] buf, int off, int len, long now) {
    // buf[off..] is the quoted echo request's ICMP header.
    if (len < 8) {
      return;
    }
    int type = buf[off] & 0xFF;
    if (type != Icmpv4Packet.TYPE_ECHO_REQUEST && type != Icmpv6Packet.TYPE_ECHO_REQUEST) {
      return;
    }
    PingSocket s = byId[Bytes.u16(buf, off + 4)];
    if (s == null) {
      return;
    }
    int seq = Bytes.u16(buf, off + 6);
    int slot = s.slotOf(seq);
    if (slot < 0) {
      return;
    }
    s.active[slot] = false;
    s.outstanding--;
    s.result(new PingReply(seq, null, error, now - s.sentAt[slot], 0, 0));
  }

  @Override
  public long pollAt() {
    long at = Long.MAX_VALUE;
    for (PingSocket s : waiting) {
      at = Math.min(at, s.nextDeadline());
    }
    return at;
  }

  @Override
  public void poll(long now) {
    for (int w = waiting.size() - 1; w >= 0; w--) {
      PingSocket s = waiting.get(w);
      for (int i = 0; i < PingSocket.MAX_OUTSTANDING; i++) {
        if (s.active[i] && now >= s.deadline[i]) {
          s.active[i] = false;
          s.outstanding--;
          s.result(new PingReply(s.seqs[i], null, SocketError.TIMED_OUT, now - s.sentAt[i], 0, 0));
        }
      }
      if (s.outstanding == 0) {
        waiting.remove(w);
      }
    }
  }
}
