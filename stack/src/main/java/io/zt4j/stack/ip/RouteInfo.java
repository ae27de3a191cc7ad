package io.zt4j.stack.ip;

import io.zt4j.stack.wire.IpAddress;

/**
 * Result of {@link IpLayer#route}: where a packet to a destination goes. Mutable and reusable;
 * filled by the IP layer. Owner-thread only.
 */
public final class RouteInfo {
  /** The outgoing interface (1-based). */
  public int interfaceIndex;
  /** The source address the stack selects for this destination (RFC 6724 simplified). */
  public long srcHi;
  public long srcLo;
  /** The neighbor the frame goes to: the destination itself when on-link, else the gateway. */
  public long nextHopHi;
  public long nextHopLo;
  /** The IP MTU to use: the link MTU, lowered by any Packet Too Big / Fragmentation Needed. */
  public int mtu;

  public IpAddress src() {
    return IpAddress.of(srcHi, srcLo);
  }

  public IpAddress nextHop() {
    return IpAddress.of(nextHopHi, nextHopLo);
  }

  /** Largest transport payload in one unfragmented packet: MTU minus the IP header. */
  public int maxTransportPayload() {
    return mtu - (IpAddress.isV4(srcHi, srcLo) ? 20 : 40);
  }
}
