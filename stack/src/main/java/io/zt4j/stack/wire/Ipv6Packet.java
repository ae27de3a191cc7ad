package io.zt4j.stack.wire;

/**
 * View over an IPv6 packet's fixed header (RFC 8200 §3). Extension headers are walked by
 * {@link Ipv6HeaderChain}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Source Address (128 bits)                  |  8
 * |                 Destination Address (128 bits)                | 24
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>{@link #wrap} checks the version and that the payload length fits (bytes past it are
 * ignored). Jumbograms (payload length 0 with a jumbo option) are not supported. Reusable
 * flyweight; not thread-safe.
 */
public final class Ipv6Packet {
  public static final int HEADER_LEN = 40;
  /** RFC 8200 §5: every link must carry 1280-byte packets. */
  public static final int MIN_MTU = 1280;
  static final int PAYLOAD_LENGTH = 4;
  static final int NEXT_HEADER = 6;
  static final int HOP_LIMIT = 7;
  static final int SRC = 8;
  static final int DST = 24;

  private byte[] buf;
  private int off;
  private int len;
  private WireError error = WireError.OK;

  public boolean wrap(byte[] buf, int off, int len) {
    this.buf = buf;
    this.off = off;
    if (len < HEADER_LEN) {
      return fail(WireError.TRUNCATED);
    }
    if ((buf[off] & 0xF0) != 0x60) {
      return fail(WireError.BAD_VERSION);
    }
    int total = HEADER_LEN + Bytes.u16(buf, off + PAYLOAD_LENGTH);
    if (total > len) {
      return fail(WireError.BAD_LENGTH);
    }
    this.len = total;
    error = WireError.OK;
    return true;
  }

  public Ipv6Packet wrapUnchecked(byte[] buf, int off, int len) {
    this.buf = buf;
    this.off = off;
    this.len = len;
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

  /** Header plus payload length. */
  public int length() {
    return len;
  }

  public int trafficClass() {
    return (Bytes.u16(buf, off) >>> 4) & 0xFF;
  }

  public int flowLabel() {
    return Bytes.i32(buf, off) & 0xF_FFFF;
  }

  public int payloadLength() {
    return Bytes.u16(buf, off + PAYLOAD_LENGTH);
  }

  public int nextHeader() {
    return buf[off + NEXT_HEADER] & 0xFF;
  }

  public int hopLimit() {
    return buf[off + HOP_LIMIT] & 0xFF;
  }

  public long srcHi() {
    return Bytes.i64(buf, off + SRC);
  }

  public long srcLo() {
    return Bytes.i64(buf, off + SRC + 8);
  }

  public long dstHi() {
    return Bytes.i64(buf, off + DST);
  }

  public long dstLo() {
    return Bytes.i64(buf, off + DST + 8);
  }

  public IpAddress src() {
    return IpAddress.of(srcHi(), srcLo());
  }

  public IpAddress dst() {
    return IpAddress.of(dstHi(), dstLo());
  }

  /** Absolute offset of the byte after the fixed header (the first extension header, if any). */
  public int payloadOffset() {
    return off + HEADER_LEN;
  }

  /** Pseudo-header sum for an upper-layer checksum (RFC 8200 §8.1). */
  public long pseudoHeaderSum(int nextHeader, int upperLayerLength) {
    return Checksum.pseudoHeaderV6(buf, off + SRC, buf, off + DST, nextHeader, upperLayerLength);
  }

  /** Writes the 40-byte fixed header. */
  public static void writeHeader(
      byte[] buf, int off, int trafficClass, int flowLabel, int payloadLength, int nextHeader, int hopLimit, long srcHi,
      long srcLo, long dstHi, long dstLo) {
    Bytes.put32(buf, off, (6 << 28) | ((trafficClass & 0xFF) << 20) | (flowLabel & 0xF_FFFF));
    Bytes.put16(buf, off + PAYLOAD_LENGTH, payloadLength);
    buf[off + NEXT_HEADER] = (byte) nextHeader;
    buf[off + HOP_LIMIT] = (byte) hopLimit;
    Bytes.put64(buf, off + SRC, srcHi);
    Bytes.put64(buf, off + SRC + 8, srcLo);
    Bytes.put64(buf, off + DST, dstHi);
    Bytes.put64(buf, off + DST + 8, dstLo);
  }
}
