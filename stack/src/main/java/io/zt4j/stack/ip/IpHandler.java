package io.zt4j.stack.ip;

import io.zt4j.stack.socket.SocketError;

/**
 * A transport protocol plugged into the IP layer ({@link IpLayer#register}): UDP, TCP, the
 * ICMP echo sockets. All calls come on the stack's owner thread.
 *
 * <p>Buffers passed in are owned by the caller and valid only during the call: copy what you
 * keep. Handlers may send (through {@link IpLayer#send}) from inside these calls.
 */
public interface IpHandler {
  /** The packet was taken (or deliberately dropped and counted by the handler). */
  int ACCEPTED = 0;
  /**
   * Nothing listens on the destination port: the IP layer answers with ICMP port unreachable
   * (rate-limited, and never for broadcast/multicast) — RFC 1122 §4.1.3.1.
   */
  int PORT_UNREACHABLE = 1;

  /**
   * One packet for this protocol addressed to this host; {@code buf[off, off+len)} is the
   * transport header and data (reassembled if it came in fragments).
   *
   * @return {@link #ACCEPTED} or {@link #PORT_UNREACHABLE}
   */
  int receive(IpInfo ip, byte[] buf, int off, int len, long nowNanos);

  /**
   * An ICMP/ICMPv6 error about a packet this host sent with this protocol. {@code quoted}
   * describes the original packet (its source is us, its destination the peer);
   * {@code buf[off, off+len)} is the start of its transport header as quoted (at least 8 bytes,
   * enough for ports). {@code mtu} is the reported next-hop MTU for
   * {@link SocketError#MESSAGE_TOO_BIG}, else 0.
   */
  default void receiveError(IpInfo quoted, SocketError error, int mtu, byte[] buf, int off, int len, long nowNanos) {}

  /** Runs timers due at {@code nowNanos}; bounded work. */
  default void poll(long nowNanos) {}

  /** The next time {@link #poll} has work, or {@link Long#MAX_VALUE}. */
  default long pollAt() {
    return Long.MAX_VALUE;
  }
}
