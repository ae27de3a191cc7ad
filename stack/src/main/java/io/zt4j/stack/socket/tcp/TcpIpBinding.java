package io.zt4j.stack.socket.tcp;

import io.zt4j.stack.ip.IpHandler;
import io.zt4j.stack.ip.IpInfo;
import io.zt4j.stack.ip.IpLayer;
import io.zt4j.stack.ip.IpParams;
import io.zt4j.stack.ip.RouteInfo;
import io.zt4j.stack.socket.SocketError;
import io.zt4j.stack.wire.IpProtocol;

/**
 * Plugs a {@link Tcp} layer into a stack's IP layer: registers it for protocol 6, hands it the
 * segments and ICMP errors the IP layer demultiplexes, runs its timers from the stack's poll,
 * and implements {@link TcpIpOutput} on top of {@link IpLayer#route}/{@link IpLayer#send} (DF
 * set: TCP sizes its segments from the route MTU and learns lower ones from PMTU discovery).
 *
 * <p>Owner-thread only, like everything in the stack.
 */
public final class TcpIpBinding implements IpHandler, TcpIpOutput {
  private final IpLayer ip;
  private final Tcp tcp;
  private final RouteInfo route = new RouteInfo();
  private final IpParams params = new IpParams().protocol(IpProtocol.TCP).dontFragment(true);

  /** Creates the TCP layer of {@code ip} with {@code config} and registers it for protocol 6. */
  public TcpIpBinding(IpLayer ip, TcpConfig config) {
    this.ip = ip;
    this.tcp = new Tcp(this, config, ip.random(), ip.readinessQueue());
    ip.register(IpProtocol.TCP, this);
  }

  /** The TCP layer: listen, connect, ready queue. */
  public Tcp tcp() {
    return tcp;
  }

  // ---------------------------------------------------------------- IpHandler

  @Override
  public int receive(IpInfo info, byte[] buf, int off, int len, long nowNanos) {
    if (info.isBroadcast() || info.isMulticast()) {
      return ACCEPTED; // RFC 9293 §3.9.2.1 / RFC 1122 §4.2.3.10: TCP is unicast only
    }
    tcp.receive(info.srcHi(), info.srcLo(), info.dstHi(), info.dstLo(), buf, off, len, info.checksumsVerified(),
        nowNanos);
    return ACCEPTED;
  }

  @Override
  public void receiveError(IpInfo quoted, SocketError error, int mtu, byte[] buf, int off, int len, long nowNanos) {
    boolean hard = error == SocketError.CONNECTION_REFUSED || error == SocketError.PROTOCOL_UNREACHABLE
        || error == SocketError.PROHIBITED;
    tcp.icmpError(quoted.srcHi(), quoted.srcLo(), quoted.dstHi(), quoted.dstLo(), buf, off, len, hard,
        error == SocketError.MESSAGE_TOO_BIG ? Math.max(mtu, 1) : 0, nowNanos);
  }

  @Override
  public void poll(long nowNanos) {
    tcp.poll(nowNanos);
  }

  @Override
  public long pollAt() {
    return tcp.pollAt();
  }

  // ---------------------------------------------------------------- TcpIpOutput

  @Override
  public int headroom() {
    return ip.transportOffset();
  }

  @Override
  public int tailroom() {
    return ip.txBuffer().length - ip.transportOffset() - 65535;
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
    params.src(srcHi, srcLo).dst(dstHi, dstLo);
    return ip.send(params, buf, off, len, nowNanos) == 0;
  }
}
