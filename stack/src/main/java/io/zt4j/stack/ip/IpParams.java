package io.zt4j.stack.ip;

import io.zt4j.stack.wire.IpAddress;

/**
 * The IP header fields of packets a transport sends ({@link IpLayer#send}). Mutable and reusable:
 * a TCP connection keeps one for its 4-tuple, a UDP socket fills one per datagram, so sending
 * allocates nothing. Owner-thread only.
 */
public final class IpParams {
  long srcHi;
  long srcLo;
  long dstHi;
  long dstLo;
  int protocol;
  int hopLimit = -1;
  int trafficClass;
  boolean dontFragment;
  int interfaceIndex;

  public IpParams src(long hi, long lo) {
    srcHi = hi;
    srcLo = lo;
    return this;
  }

  public IpParams src(IpAddress a) {
    return src(a.hi(), a.lo());
  }

  public IpParams dst(long hi, long lo) {
    dstHi = hi;
    dstLo = lo;
    return this;
  }

  public IpParams dst(IpAddress a) {
    return dst(a.hi(), a.lo());
  }

  public IpParams protocol(int p) {
    protocol = p;
    return this;
  }

  /** TTL / hop limit; -1 for the stack default (64, or the multicast default 1). */
  public IpParams hopLimit(int h) {
    hopLimit = h;
    return this;
  }

  /** IPv4 TOS / IPv6 traffic class byte (DSCP and ECN). */
  public IpParams trafficClass(int tc) {
    trafficClass = tc & 0xFF;
    return this;
  }

  /**
   * True: never fragment; a packet over the path MTU fails with
   * {@link io.zt4j.stack.socket.SocketError#MESSAGE_TOO_BIG} (IPv4 also sets DF, RFC 1191).
   * False: fragment as needed (RFC 791, RFC 8200 §4.5).
   */
  public IpParams dontFragment(boolean df) {
    dontFragment = df;
    return this;
  }

  /** Send on this interface (1-based); 0 lets routing choose. Needed for multicast/link-local. */
  public IpParams interfaceIndex(int i) {
    interfaceIndex = i;
    return this;
  }

  public long srcHi() {
    return srcHi;
  }

  public long srcLo() {
    return srcLo;
  }

  public long dstHi() {
    return dstHi;
  }

  public long dstLo() {
    return dstLo;
  }

  public int protocol() {
    return protocol;
  }

  public int hopLimit() {
    return hopLimit;
  }

  public int trafficClass() {
    return trafficClass;
  }

  public boolean dontFragment() {
    return dontFragment;
  }

  public int interfaceIndex() {
    return interfaceIndex;
  }

  public boolean isV4() {
    return IpAddress.isV4(dstHi, dstLo);
  }

  /** The pseudo-header sum for a transport checksum over {@code length} bytes. */
  public long pseudoHeaderSum(int length) {
    return io.zt4j.stack.wire.Checksum.pseudoHeader(srcHi, srcLo, dstHi, dstLo, protocol, length);
  }

  @Override
  public String toString() {
    return "IpParams[" + IpAddress.of(srcHi, srcLo) + " > " + IpAddress.of(dstHi, dstLo) + " proto=" + protocol
        + " if=" + interfaceIndex + "]";
  }
}
