package io.zt4j.stack.wire;

/**
 * View over an ICMPv4 message (RFC 792, RFC 1191 for "fragmentation needed").
 *
 * <pre>
 *  0               1               2               3
 * +---------------+---------------+-------------------------------+
 * |     Type      |     Code      |          Checksum             |  0
 * +---------------+---------------+-------------------------------+
 * |   echo: Identifier            |   echo: Sequence Number       |  4
 * |   unreachable/frag needed: unused (2) | Next-Hop MTU (2)      |
 * |   parameter problem: Pointer (1) | unused (3)                 |
 * +---------------------------------------------------------------+
 * |   data: echo payload, or the offending IP header + 8 bytes    |  8
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>{@link #wrap} checks the length and the checksum over the whole message. Reusable
 * flyweight; not thread-safe.
 */
public final class Icmpv4Packet {
  public static final int HEADER_LEN = 8;
  public static final int TYPE_ECHO_REPLY = 0;
  public static final int TYPE_DEST_UNREACHABLE = 3;
  public static final int TYPE_ECHO_REQUEST = 8;
  public static final int TYPE_TIME_EXCEEDED = 11;
  public static final int TYPE_PARAMETER_PROBLEM = 12;
  /** Destination-unreachable codes (RFC 792, RFC 1122 §3.2.2.1). */
  public static final int CODE_NET_UNREACHABLE = 0;
  public static final int CODE_HOST_UNREACHABLE = 1;
  public static final int CODE_PROTOCOL_UNREACHABLE = 2;
  public static final int CODE_PORT_UNREACHABLE = 3;
  public static final int CODE_FRAGMENTATION_NEEDED = 4;
  public static final int CODE_ADMIN_PROHIBITED = 13;
  /** Time-exceeded codes. */
  public static final int CODE_TTL_EXCEEDED = 0;
  public static final int CODE_REASSEMBLY_TIME_EXCEEDED = 1;

  private byte[] buf;
  private int off;
  private int len;
  private WireError error = WireError.OK;

  public boolean wrap(byte[] buf, int off, int len) {
    this.buf = buf;
    this.off = off;
    this.len = len;
    if (len < HEADER_LEN) {
      error = WireError.TRUNCATED;
      return false;
    }
    if (!Checksum.verifies(Checksum.add(0, buf, off, len))) {
      error = WireError.BAD_CHECKSUM;
      return false;
    }
    error = WireError.OK;
    return true;
  }

  public WireError error() {
    return error;
  }

  public int type() {
    return buf[off] & 0xFF;
  }

  public int code() {
    return buf[off + 1] & 0xFF;
  }

  public int checksum() {
    return Bytes.u16(buf, off + 2);
  }

  public int echoIdentifier() {
    return Bytes.u16(buf, off + 4);
  }

  public int echoSequence() {
    return Bytes.u16(buf, off + 6);
  }

  /** Next-hop MTU of a "fragmentation needed" message (0 from pre-RFC 1191 routers). */
  public int nextHopMtu() {
    return Bytes.u16(buf, off + 6);
  }

  public int pointer() {
    return buf[off + 4] & 0xFF;
  }

  public boolean isError() {
    int t = type();
    return t == TYPE_DEST_UNREACHABLE || t == TYPE_TIME_EXCEEDED || t == TYPE_PARAMETER_PROBLEM;
  }

  public byte[] buffer() {
    return buf;
  }

  public int offset() {
    return off;
  }

  public int length() {
    return len;
  }

  public int dataOffset() {
    return off + HEADER_LEN;
  }

  public int dataLength() {
    return len - HEADER_LEN;
  }

  /**
   * Writes the 8-byte header with {@code rest} as bytes 4..7, and fills the checksum over the
   * header and the {@code dataLength} bytes that already follow it.
   */
  public static void write(byte[] buf, int off, int type, int code, int rest, int dataLength) {
    buf[off] = (byte) type;
    buf[off + 1] = (byte) code;
    Bytes.put16(buf, off + 2, 0);
    Bytes.put32(buf, off + 4, rest);
    Bytes.put16(buf, off + 2, Checksum.of(buf, off, HEADER_LEN + dataLength));
  }
}
