package io.zt4j.stack.socket.tcp;

/**
 * What TCP needs from the IP layer below it: routing facts and one output path. Implemented by
 * the stack's IP layer (and by test links). Addresses are 128-bit {@code (hi, lo)} pairs, IPv4
 * in IPv4-mapped form ({@code ::ffff:a.b.c.d}), as in {@code io.zt4j.stack.wire.IpAddress}.
 *
 * <p>Called only on the stack's owner thread. {@link #send} is synchronous: TCP reuses
 * {@code buf} as soon as it returns.
 */
public interface TcpIpOutput {
  /**
   * Bytes the IP layer (and the link below it) needs in front of a TCP segment, so it can
   * prepend its headers in place without copying the segment.
   */
  int headroom();

  /**
   * Bytes the IP layer (and the link below it) may use after a TCP segment in the buffer passed
   * to {@link #send}; TCP sizes its segment buffer to leave them free.
   */
  default int tailroom() {
    return 0;
  }

  /** MTU of the route toward {@code dst} (IP packet size), or 0 when there is no route. */
  int mtu(long dstHi, long dstLo);

  /**
   * Picks the source address for a connection to {@code dst}: writes it to {@code out[0..1]}
   * and returns true, or returns false when there is no route.
   */
  boolean source(long dstHi, long dstLo, long[] out);

  /**
   * Sends the TCP segment {@code buf[off, off+len)} (checksum filled) from {@code src} to
   * {@code dst}. At least {@link #headroom()} bytes before {@code off} are free for headers.
   * Returns false when the packet could not be sent or queued (no route).
   */
  boolean send(long srcHi, long srcLo, long dstHi, long dstLo, byte[] buf, int off, int len, long nowNanos);
}
