package io.zt4j.stack.wire;

/**
 * A view over a TCP header (RFC 9293 §3.1) in a byte array. One instance is reused for many
 * segments ({@link #wrap} re-points it), so the data path allocates nothing.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             | 12
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        | 16
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (0..40 bytes)                      | 20
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             Data                              |
 * </pre>
 *
 * <p>{@link #wrap} checks the lengths once (segment at least 20 bytes, data offset within the
 * segment); after a successful wrap no accessor can read out of bounds. {@link #wrapForWrite}
 * points the view at an output buffer the caller sized. Not thread-safe; the caller owns the
 * array.
 */
public final class TcpHeader {
  /** Size of the fixed header. */
  public static final int MIN_LENGTH = 20;
  /** Largest header: data offset 15 words. */
  public static final int MAX_LENGTH = 60;

  public static final int FIN = 0x01;
  public static final int SYN = 0x02;
  public static final int RST = 0x04;
  public static final int PSH = 0x08;
  public static final int ACK = 0x10;
  public static final int URG = 0x20;
  public static final int ECE = 0x40;
  public static final int CWR = 0x80;

  private byte[] buf;
  private int off;
  private int len;

  /**
   * Points the view at a received segment {@code buf[off, off+len)}. Returns false (and leaves
   * the view unusable) when the segment is shorter than 20 bytes or its data offset is below 5
   * words or beyond the segment.
   */
  public boolean wrap(byte[] buf, int off, int len) {
    if (len < MIN_LENGTH || off < 0 || off + len > buf.length) {
      this.buf = null;
      return false;
    }
    int hl = ((buf[off + 12] & 0xFF) >>> 4) * 4;
    if (hl < MIN_LENGTH || hl > len) {
      this.buf = null;
      return false;
    }
    this.buf = buf;
    this.off = off;
    this.len = len;
    return true;
  }

  /** Points the view at an output buffer with at least {@code len} writable bytes at {@code off}. */
  public TcpHeader wrapForWrite(byte[] buf, int off, int len) {
    this.buf = buf;
    this.off = off;
    this.len = len;
    return this;
  }

  public byte[] buffer() {
    return buf;
  }

  public int offset() {
    return off;
  }

  /** Length of the whole segment (header, options and data). */
  public int segmentLength() {
    return len;
  }

  public int srcPort() {
    return u16(0);
  }

  public TcpHeader srcPort(int v) {
    put16(0, v);
    return this;
  }

  public int dstPort() {
    return u16(2);
  }

  public TcpHeader dstPort(int v) {
    put16(2, v);
    return this;
  }

  public int seq() {
    return i32(4);
  }

  public TcpHeader seq(int v) {
    put32(4, v);
    return this;
  }

  public int ack() {
    return i32(8);
  }

  public TcpHeader ack(int v) {
    put32(8, v);
    return this;
  }

  /** Header length in bytes (data offset × 4). */
  public int headerLength() {
    return ((buf[off + 12] & 0xFF) >>> 4) * 4;
  }

  /** Sets the header length in bytes; must be a multiple of 4 in [20, 60]. */
  public TcpHeader headerLength(int bytes) {
    if (bytes < MIN_LENGTH || bytes > MAX_LENGTH || (bytes & 3) != 0) {
      throw new IllegalArgumentException("bad TCP header length " + bytes);
    }
    buf[off + 12] = (byte) ((bytes / 4) << 4);
    return this;
  }

  /** The eight flag bits (CWR … FIN). */
  public int flags() {
    return buf[off + 13] & 0xFF;
  }

  public TcpHeader flags(int v) {
    buf[off + 13] = (byte) v;
    return this;
  }

  public boolean has(int flag) {
    return (buf[off + 13] & flag) != 0;
  }

  /** The raw (unscaled) window field. */
  public int window() {
    return u16(14);
  }

  public TcpHeader window(int v) {
    put16(14, v);
    return this;
  }

  public int checksum() {
    return u16(16);
  }

  public TcpHeader checksum(int v) {
    put16(16, v);
    return this;
  }

  public int urgentPointer() {
    return u16(18);
  }

  public TcpHeader urgentPointer(int v) {
    put16(18, v);
    return this;
  }

  /** Offset of the options in {@link #buffer()}. */
  public int optionsOffset() {
    return off + MIN_LENGTH;
  }

  public int optionsLength() {
    return headerLength() - MIN_LENGTH;
  }

  /** Offset of the payload in {@link #buffer()}. */
  public int payloadOffset() {
    return off + headerLength();
  }

  public int payloadLength() {
    return len - headerLength();
  }

  /**
   * Segment length in sequence space (RFC 9293 §3.4 SEG.LEN): payload plus one for SYN and one
   * for FIN.
   */
  public int sequenceLength() {
    int f = flags();
    return payloadLength() + ((f & SYN) != 0 ? 1 : 0) + ((f & FIN) != 0 ? 1 : 0);
  }

  /** Sum over the whole segment (to be added to a pseudo-header sum). */
  public long sum(long pseudoHeaderSum) {
    return Checksum.add(pseudoHeaderSum, buf, off, len);
  }

  /** Fills the checksum field given the pseudo-header sum. */
  public void fillChecksum(long pseudoHeaderSum) {
    put16(16, 0);
    put16(16, Checksum.finish(Checksum.add(pseudoHeaderSum, buf, off, len)));
  }

  /** True when the segment's checksum verifies against the pseudo-header sum. */
  public boolean checksumValid(long pseudoHeaderSum) {
    return Checksum.verifies(Checksum.add(pseudoHeaderSum, buf, off, len));
  }

  private int u16(int at) {
    return ((buf[off + at] & 0xFF) << 8) | (buf[off + at + 1] & 0xFF);
  }

  private int i32(int at) {
    int p = off + at;
    return ((buf[p] & 0xFF) << 24) | ((buf[p + 1] & 0xFF) << 16) | ((buf[p + 2] & 0xFF) << 8) | (buf[p + 3] & 0xFF);
  }

  private void put16(int at, int v) {
    buf[off + at] = (byte) (v >>> 8);
    buf[off + at + 1] = (byte) v;
  }

  private void put32(int at, int v) {
    int p = off + at;
    buf[p] = (byte) (v >>> 24);
    buf[p + 1] = (byte) (v >>> 16);
    buf[p + 2] = (byte) (v >>> 8);
    buf[p + 3] = (byte) v;
  }
}
