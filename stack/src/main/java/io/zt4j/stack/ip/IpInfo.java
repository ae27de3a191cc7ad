package io.zt4j.stack.ip;

import io.zt4j.stack.wire.IpAddress;

/**
 * The IP-level facts about one received packet, handed to an {@link IpHandler} with the
 * transport payload. Addresses are raw {@link IpAddress} halves (IPv4 in mapped form) so no
 * object is created per packet; {@link #src()}/{@link #dst()} allocate when a handler wants to
 * keep one.
 *
 * <p>The instance is reused for the next packet: it is valid only during the handler call.
 */
public interface IpInfo {
  /** 4 or 6. */
  int version();

  long srcHi();

  long srcLo();

  long dstHi();

  long dstLo();

  /** The transport protocol number (after IPv6 extension headers). */
  int protocol();

  /** TTL / hop limit as received. */
  int hopLimit();

  /** IPv4 TOS byte / IPv6 traffic class (DSCP and ECN). */
  int trafficClass();

  /** Index of the interface the packet arrived on (1-based). */
  int interfaceIndex();

  /** Sent to a broadcast address (limited or directed) or a broadcast MAC. */
  boolean isBroadcast();

  /** Sent to a multicast group. */
  boolean isMulticast();

  /**
   * The link vouched for this packet's integrity (it arrived in one frame that a MAC
   * authenticated, see {@code Interface.receiveFrame(…, checksumsVerified)}): the transport may
   * skip verifying its checksum. False for other links, loopback and reassembled datagrams.
   */
  default boolean checksumsVerified() {
    return false;
  }

  default boolean isV4() {
    return version() == 4;
  }

  default IpAddress src() {
    return IpAddress.of(srcHi(), srcLo());
  }

  default IpAddress dst() {
    return IpAddress.of(dstHi(), dstLo());
  }
}
