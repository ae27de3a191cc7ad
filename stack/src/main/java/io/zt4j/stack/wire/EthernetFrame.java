package io.zt4j.stack.wire;

/**
 * View over an Ethernet II frame, with up to two VLAN tags (IEEE 802.1Q / 802.1ad) skipped.
 *
 * <pre>
 *  0                   6                   12      14
 * +-------------------+-------------------+-------+------------------
 * |  destination MAC  |    source MAC     | type  | payload ...
 * +-------------------+-------------------+-------+------------------
 *                      tagged: type = 0x8100, TCI (2), inner type (2), payload at 18
 * </pre>
 *
 * <p>The frame check sequence is not part of the frame (devices strip it). A view is a reusable
 * flyweight: {@link #wrap} checks the bytes once, after which no accessor can fail; it keeps a
 * reference to the caller's array, valid as long as the caller's buffer is. Not thread-safe.
 */
public final class EthernetFrame {
  public static final int HEADER_LEN = 14;
  public static final int VLAN_TAG_LEN = 4;
  public static final int DST = 0;
  public static final int SRC = 6;
  public static final int TYPE = 12;

  private byte[] buf;
  private int off;
  private int len;
  private int etherType;
  private int payloadOff;
  private int vlanId;
  private WireError error = WireError.OK;

  /** Checks and wraps untrusted bytes; false (and {@link #error()}) when they are not a frame. */
  public boolean wrap(byte[] buf, int off, int len) {
    this.buf = buf;
    this.off = off;
    this.len = len;
    if (len < HEADER_LEN) {
      return fail(WireError.TRUNCATED);
    }
    int p = off + TYPE;
    int type = Bytes.u16(buf, p);
    vlanId = -1;
    for (int tags = 0; (type == EtherType.VLAN || type == EtherType.QINQ) && tags < 2; tags++) {
      if (p + 2 + VLAN_TAG_LEN > off + len) {
        return fail(WireError.TRUNCATED);
      }
      vlanId = Bytes.u16(buf, p + 2) & 0x0FFF; // innermost tag wins
      p += VLAN_TAG_LEN;
      type = Bytes.u16(buf, p);
    }
    if (type == EtherType.VLAN || type == EtherType.QINQ) {
      return fail(WireError.UNSUPPORTED);
    }
    etherType = type;
    payloadOff = p + 2;
    error = WireError.OK;
    return true;
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

  public int length() {
    return len;
  }

  public long dst() {
    return Bytes.u48(buf, off + DST);
  }

  public long src() {
    return Bytes.u48(buf, off + SRC);
  }

  /** The EtherType after any VLAN tags. */
  public int etherType() {
    return etherType;
  }

  /** The innermost VLAN id, or -1 when untagged. */
  public int vlanId() {
    return vlanId;
  }

  /** Absolute offset of the payload in {@link #buffer()}. */
  public int payloadOffset() {
    return payloadOff;
  }

  public int payloadLength() {
    return off + len - payloadOff;
  }

  /** Writes an untagged header at {@code buf[off, off+14)}. */
  public static void writeHeader(byte[] buf, int off, long dst, long src, int etherType) {
    Bytes.put48(buf, off + DST, dst);
    Bytes.put48(buf, off + SRC, src);
    Bytes.put16(buf, off + TYPE, etherType);
  }
}
