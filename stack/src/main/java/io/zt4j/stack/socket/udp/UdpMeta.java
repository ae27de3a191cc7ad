package io.zt4j.stack.socket.udp;

import io.zt4j.stack.wire.IpAddress;

/**
 * Where a received datagram came from and went to, filled by {@link UdpSocket#receive}. Mutable
 * and reusable so receiving allocates nothing; {@link #source()} and {@link #destination()}
 * allocate when called.
 */
public final class UdpMeta {
  private long srcHi;
  private long srcLo;
  private int srcPort;
  private long dstHi;
  private long dstLo;
  private int interfaceIndex;
  private int length;

  void set(long sHi, long sLo, int sPort, long dHi, long dLo, int ifc, int len) {
    srcHi = sHi;
    srcLo = sLo;
    srcPort = sPort;
    dstHi = dHi;
    dstLo = dLo;
    interfaceIndex = ifc;
    length = len;
  }

  public long srcHi() {
    return srcHi;
  }

  public long srcLo() {
    return srcLo;
  }

  public int srcPort() {
    return srcPort;
  }

  public long dstHi() {
    return dstHi;
  }

  public long dstLo() {
    return dstLo;
  }

  public IpAddress source() {
    return IpAddress.of(srcHi, srcLo);
  }

  /** The address the datagram was sent to (ours, a broadcast or a group). */
  public IpAddress destination() {
    return IpAddress.of(dstHi, dstLo);
  }

  public int interfaceIndex() {
    return interfaceIndex;
  }

  /** The datagram's full length; more than the returned count when it was truncated. */
  public int length() {
    return length;
  }
}
