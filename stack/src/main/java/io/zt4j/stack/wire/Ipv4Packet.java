package io.zt4j.stack.wire;

/**
 * View over an IPv4 packet (RFC 791). Options are not interpreted: the header length skips them.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |    DSCP   |ECN|          Total Length         |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |0|D|M|     Fragment Offset     |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          | 12
 * |                    Destination Address                        | 16
 * |                    Options (IHL > 5)          |    Padding    | 20
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>{@link #wrap} checks version, header length, total length (bytes past it, such as Ethernet
 * padding, are ignored) and the header checksum. {@link #wrapUnchecked} is for building packets.
 * Reusable flyweight; not thread-safe.
 */
public final class Ipv4Packet {
  public static final int HEADER_LEN = 20;
  public static final int MAX_LENGTH = 0xFFFF;
  public static final int FLAG_DF = 0x4000;
  public static final int FLAG_MF = 0x2000;
  static final int VER_IHL = 0;
  static final int TOS = 1;
  static final int TOTAL_LENGTH = 2;
  static final int IDENT = 4;
  static final int FLAGS_FRAG = 6;
  static final int TTL = 8;
  static final int PROTOCOL = 9;
  static final int CHECKSUM = 10;
  static final int SRC = 12;
  static final int DST = 16;

  private byte[] buf;
  private int off;
  private int len;
  private int headerLen;
  private WireError error = WireError.OK;

  public boolean wrap(byte[] buf, int off, int len) {
    this.buf = buf;
    this.off = off;
    if (len < HEADER_LEN) {
      return fail(WireError.TRUNCATED);
    }
    int vi = buf[off] & 0xFF;
    if ((vi >>> 4) != 4) {
      return fail(WireError.BAD_VERSION);
    }
    int hl = (vi & 0xF) * 4;
    if (hl < HEADER_LEN || hl > len) {
      return fail(WireError.BAD_HEADER_LENGTH);
    }
    int total = Bytes.u16(buf, off + TOTAL_LENGTH);
    if (total < hl || total > len) {
      return fail(WireError.BAD_LENGTH);
    }
    if (!Checksum.verifies(Checksum.add(0, buf, off, hl))) {
      return fail(WireError.BAD_CHECKSUM);
    }
    this.headerLen = hl;
    this.len = total;
    error = WireError.OK;
    return true;
  }

  /** Wraps a buffer being built; the caller sets every field (header length is taken as 20). */
  public Ipv4Packet wrapUnchecked(byte[] buf, int off, int len) {
    this.buf = buf;
    this.off = off;
    this.len = len;
    this.headerLen = HEADER_LEN;
    return this;
  }

  private boolean fail(WireError e) {
    error = e;
    return false;
  }

  public WireError error() {
    return error;
  }

  public byte[] buffer() {
    return buf;
  }

  public int offset() {
    return off;
  }

  /** The total length (header + payload). */
  public int length() {
    return len;
  }

  public int headerLength() {
    return headerLen;
  }

  public int tos() {
    return buf[off + TOS] & 0xFF;
  }

  public int dscp() {
    return tos() >>> 2;
  }

  public int ecn() {
    return tos() & 3;
  }

  public int totalLength() {
    return Bytes.u16(buf, off + TOTAL_LENGTH);
  }

  public int identification() {
    return Bytes.u16(buf, off + IDENT);
  }

  public boolean dontFragment() {
    return (Bytes.u16(buf, off + FLAGS_FRAG) & FLAG_DF) != 0;
  }

  public boolean moreFragments() {
    return (Bytes.u16(buf, off + FLAGS_FRAG) & FLAG_MF) != 0;
  }

  /** Fragment offset in bytes. */
  public int fragmentOffset() {
    return (Bytes.u16(buf, off + FLAGS_FRAG) & 0x1FFF) * 8;
  }

  /** True for any fragment (more-fragments set or non-zero offset). */
  public boolean isFragment() {
    return (Bytes.u16(buf, off + FLAGS_FRAG) & (FLAG_MF | 0x1FFF)) != 0;
  }

  public int ttl() {
    return buf[off + TTL] & 0xFF;
  }

  public int protocol() {
    return buf[off + PROTOCOL] & 0xFF;
  }

  public int checksum() {
    return Bytes.u16(buf, off + CHECKSUM);
  }

  public int src() {
    return Bytes.i32(buf, off + SRC);
  }

  public int dst() {
    return Bytes.i32(buf, off + DST);
  }

  public int payloadOffset() {
    return off + headerLen;
  }

  public int payloadLength() {
    return len - headerLen;
  }

  /** Sum of the pseudo-header for an upper-layer checksum (RFC 768 / RFC 9293 §3.1). */
  public long pseudoHeaderSum() {
    return Checksum.pseudoHeaderV4(buf, off + SRC, buf, off + DST, protocol(), payloadLength());
  }

  // --- building -------------------------------------------------------------------------------

  public void ttl(int ttl) {
    buf[off + TTL] = (byte) ttl;
  }

  public void src(int a) {
    Bytes.put32(buf, off + SRC, a);
  }

  public void dst(int a) {
    Bytes.put32(buf, off + DST, a);
  }

  /** Recomputes and stores the header checksum over {@link #headerLength()} bytes. */
  public void fillChecksum() {
    Bytes.put16(buf, off + CHECKSUM, 0);
    Bytes.put16(buf, off + CHECKSUM, Checksum.of(buf, off, headerLen));
  }

  /**
   * Writes a 20-byte header (no options) with its checksum. {@code flagsAndOffset} is the raw
   * 16-bit word: {@link #FLAG_DF}, {@link #FLAG_MF} and the offset in 8-byte units.
   */
  public static void writeHeader(
      byte[] buf, int off, int tos, int totalLength, int ident, int flagsAndOffset, int ttl, int protocol, int src,
      int dst) {
    buf[off] = 0x45;
    buf[off + TOS] = (byte) tos;
    Bytes.put16(buf, off + TOTAL_LENGTH, totalLength);
    Bytes.put16(buf, off + IDENT, ident);
    Bytes.put16(buf, off + FLAGS_FRAG, flagsAndOffset);
    buf[off + TTL] = (byte) ttl;
    buf[off + PROTOCOL] = (byte) protocol;
    Bytes.put16(buf, off + CHECKSUM, 0);
    Bytes.put32(buf, off + SRC, src);
    Bytes.put32(buf, off + DST, dst);
    Bytes.put16(buf, off + CHECKSUM, Checksum.of(buf, off, HEADER_LEN));
  }
}
