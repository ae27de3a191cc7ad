package io.zt4j.stack.wire;

/**
 * View over a UDP datagram (RFC 768).
 *
 * <pre>
 *  0               1               2               3
 * +-------------------------------+-------------------------------+
 * |          Source Port          |       Destination Port        |  0
 * +-------------------------------+-------------------------------+
 * |            Length             |           Checksum            |  4
 * +-------------------------------+-------------------------------+
 * |                          data ...                             |  8
 * </pre>
 *
 * <p>{@link #wrap} checks the length field (bytes past it are ignored); the checksum covers a
 * pseudo-header, so the caller checks it with {@link #verifies(long)}. Reusable flyweight; not
 * thread-safe.
 */
public final class UdpPacket {
  public static final int HEADER_LEN = 8;
  static final int SRC_PORT = 0;
  static final int DST_PORT = 2;
  static final int LENGTH = 4;
  static final int CHECKSUM = 6;

  private byte[] buf;
  private int off;
  private int len;
  private WireError error = WireError.OK;

  public boolean wrap(byte[] buf, int off, int len) {
    this.buf = buf;
    this.off = off;
    if (len < HEADER_LEN) {
      error = WireError.TRUNCATED;
      return false;
    }
    int l = Bytes.u16(buf, off + LENGTH);
    if (l < HEADER_LEN || l > len) {
      error = WireError.BAD_LENGTH;
      return false;
    }
    this.len = l;
    error = WireError.OK;
    return true;
  }

  public WireError error() {
    return error;
  }

  public int srcPort() {
    return Bytes.u16(buf, off + SRC_PORT);
  }

  public int dstPort() {
    return Bytes.u16(buf, off + DST_PORT);
  }

  /** The length field: header plus data. */
  public int length() {
    return len;
  }

  public int checksum() {
    return Bytes.u16(buf, off + CHECKSUM);
  }

  public int payloadOffset() {
    return off + HEADER_LEN;
  }

  public int payloadLength() {
    return len - HEADER_LEN;
  }

  /**
   * True when the checksum verifies against this pseudo-header sum (whose length must be
   * {@link #length()}). A zero checksum field means "none" over IPv4 (RFC 768) and is accepted
   * only when {@code zeroAllowed}; IPv6 forbids it (RFC 8200 §8.1).
   */
  public boolean verifies(long pseudoHeaderSum, boolean zeroAllowed) {
    if (checksum() == 0) {
      return zeroAllowed;
    }
    return Checksum.verifies(Checksum.add(pseudoHeaderSum, buf, off, len));
  }

  /**
   * Writes the header for {@code payloadLength} bytes of data already in place after it and
   * fills the checksum ({@code pseudoHeaderSum} must cover length {@code 8 + payloadLength}).
   * A computed checksum of 0 is sent as 0xFFFF (RFC 768).
   */
  public static void write(byte[] buf, int off, int srcPort, int dstPort, int payloadLength, long pseudoHeaderSum) {
    int l = HEADER_LEN + payloadLength;
    Bytes.put16(buf, off + SRC_PORT, srcPort);
    Bytes.put16(buf, off + DST_PORT, dstPort);
    Bytes.put16(buf, off + LENGTH, l);
    Bytes.put16(buf, off + CHECKSUM, 0);
    int c = Checksum.finish(Checksum.add(pseudoHeaderSum, buf, off, l));
    Bytes.put16(buf, off + CHECKSUM, c == 0 ? 0xFFFF : c);
  }
}
