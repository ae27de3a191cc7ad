package io.zt4j.stack.ip;

import io.zt4j.stack.socket.ReadinessQueue;
import java.util.random.RandomGenerator;

/**
 * What transports (UDP, TCP, ICMP echo) see of the IP layer: protocol registration, routing and
 * one output path. Implemented by the stack; every method runs on the stack's owner thread.
 *
 * <h2>Sending without copies</h2>
 *
 * A transport writes its header and data into a buffer starting at an offset of at least
 * {@link #transportOffset()} — typically {@link #txBuffer()} — and calls {@link #send}. The IP
 * layer writes the IP and Ethernet headers into the bytes in front of that offset, and the link
 * device may use the {@code headroom} before the frame for its own header, so the payload is
 * never copied on the common path. {@code send} is synchronous: when it returns the buffer may
 * be reused (packets waiting for ARP/NDP, loopback and fragments are copied).
 */
public interface IpLayer {
  /**
   * Registers the handler for an IP protocol number (6 TCP, 17 UDP…). ICMP (1) and ICMPv6 (58)
   * belong to the IP layer. Throws {@link IllegalStateException} when already taken.
   */
  void register(int protocol, IpHandler handler);

  /** The smallest offset at which a transport header may start in a buffer passed to {@link #send}. */
  int transportOffset();

  /**
   * A scratch buffer of {@code transportOffset() + 65535 + tailroom} bytes shared by all
   * transports. Use it only between building a packet and the {@link #send} call that returns.
   */
  byte[] txBuffer();

  /**
   * Sends {@code buf[off, off+len)} (transport header + data, checksum already filled) with the
   * header fields in {@code p}. Bytes in front of {@code off} are overwritten.
   *
   * @return 0 when sent or queued behind neighbor resolution, else a negative
   *     {@link io.zt4j.stack.socket.SocketError#code()} ({@code NO_ROUTE}, {@code MESSAGE_TOO_BIG},
   *     {@code NO_BUFFER_SPACE}, {@code HOST_UNREACHABLE}…)
   */
  int send(IpParams p, byte[] buf, int off, int len, long nowNanos);

  /**
   * Looks up the route to {@code (dstHi, dstLo)}; {@code interfaceIndex} 0 lets the table choose
   * (multicast and link-local destinations need one when there are several interfaces).
   *
   * @return false when there is no route
   */
  boolean route(long dstHi, long dstLo, int interfaceIndex, RouteInfo out);

  /** True when the address is assigned to any interface of this stack. */
  boolean isLocalAddress(long hi, long lo);

  /**
   * Upper-layer reachability confirmation (RFC 4861 §7.3.1): a transport saw forward progress
   * with this neighbor (e.g. TCP new data acknowledged), so no probe is needed.
   */
  void confirmReachable(long hi, long lo, long nowNanos);

  /**
   * Joins a multicast group on an interface ({@code interfaceIndex} 0: the first interface with
   * an address of the group's family); memberships are counted, so every join needs a leave.
   *
   * @return false when there is no such interface
   */
  boolean joinGroup(io.zt4j.stack.wire.IpAddress group, int interfaceIndex);

  void leaveGroup(io.zt4j.stack.wire.IpAddress group, int interfaceIndex);

  /** The queue sockets signal readiness changes on. */
  ReadinessQueue readinessQueue();

  /** Counters shared by all layers. */
  StackStats stats();

  /** The caller-supplied random source (ports, initial sequence numbers, IDs). */
  RandomGenerator random();
}
