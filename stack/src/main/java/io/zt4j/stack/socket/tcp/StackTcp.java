package io.zt4j.stack.socket.tcp;

import io.zt4j.stack.ip.IpHandler;
import io.zt4j.stack.ip.IpInfo;
import io.zt4j.stack.ip.IpLayer;
import io.zt4j.stack.ip.IpParams;
import io.zt4j.stack.ip.RouteInfo;
import io.zt4j.stack.socket.SocketError;

/**
 * Plugs a {@link Tcp} layer into the stack's IP layer: it is the IP protocol 6 handler
 * ({@link IpHandler}: segments, ICMP errors, timers) and TCP's output path ({@link TcpIpOutput}:
 * routes, MTU, zero-copy send through {@link IpLayer#send}). Owner thread only.
 */
public final class StackTcp implements IpHandler, TcpIpOutput {
  public static final int PROTOCOL = 6;

  private final IpLayer ip;
  private final Tcp tcp;
  private final RouteInfo route = new RouteInfo();
  private final IpParams params = new IpParams();

  private StackTcp(IpLayer ip, TcpConfig config) {
    this.ip = ip;
    this.tcp = new Tcp(this, config, ip.random(), ip.readinessQueue());
  }

  /** Creates the TCP layer of a stack and registers it for IP protocol 6. */
  public static Tcp attach(IpLayer ip, TcpConfig config) {
    StackTcp b = new StackTcp(ip, config);
    ip.register(PROTOCOL, b);
    return b.tcp;
  }

  @Override
  public int receive(IpInfo info, byte[] buf, int off, int len, long nowNanos) {
    if (info.isBroadcast() || info.isMulticast()) {
      tcp.count(TcpDrop.BAD_ADDRESS); // RFC 9293 §3.9.1.1 / RFC 1122: TCP is unicast only
      return ACCEPTED;
    }
    tcp.receive(info.srcHi(), info.srcLo(), info.dstHi(), info.dstLo(), buf, off, len, nowNanos);
    return ACCEPTED; // TCP answers strays with RST itself
  }

  @Override
  public void receiveError(IpInfo quoted, SocketError error, int mtu, byte[] buf, int off, int len, long nowNanos) {
    boolean hard = error == SocketError.CONNECTION_REFUSED || error == SocketError.PROTOCOL_UNREACHABLE
        || error == SocketError.PROHIBITED;
    int pmtu = error == SocketError.MESSAGE_TOO_BIG ? mtu : 0;
    if (error == SocketError.MESSAGE_TOO_BIG && pmtu <= 0) {
      return;
    }
    tcp.icmpError(quoted.srcHi(), quoted.srcLo(), quoted.dstHi(), quoted.dstLo(), buf, off, len, hard, pmtu, nowNanos);
  }

  @Override
  public void poll(long nowNanos) {
    tcp.poll(nowNanos);
  }

  @Override
  public long pollAt() {
    return tcp.pollAt();
  }

  @Override
  public int headroom() {
    return ip.transportOffset();
  }

  @Override
  public int mtu(long dstHi, long dstLo) {
    return ip.route(dstHi, dstLo, 0, route) ? route.mtu : 0;
  }

  @Override
  public boolean source(long dstHi, long dstLo, long[] out) {
    if (!ip.route(dstHi, dstLo, 0, route)) {
      return false;
    }
    out[0] = route.srcHi;
    out[1] = route.srcLo;
    return true;
  }

  @Override
  public boolean send(long srcHi, long srcLo, long dstHi, long dstLo, byte[] buf, int off, int len, long nowNanos) {
    params.src(srcHi, srcLo).dst(dstHi, dstLo).protocol(PROTOCOL).dontFragment(true);
    return ip.send(params, buf, off, len, nowNanos) == 0;
  }
}
